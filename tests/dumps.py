"""The bundled dumps and the pieces of a hand-made listing page that the tests of importing share. The
formats' own tests are in tests/formats/, one module per format."""

from pathlib import Path

DUMPS = Path(__file__).resolve().parent.parent / "fixtures" / "dumps"
VAULT = DUMPS / "000_e093ce741ddf4b84.txt"
ABSTRACTS = DUMPS / "001_ec8d9004d51af022.txt"
LISTING_003 = DUMPS / "003_1f56c56ecdd1ff4d.txt"
LISTING_004 = DUMPS / "004_b4ca87912f4c4db7.txt"

HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\nMar 20\n\n"
ABSTRACT = (
    "We study how the thing behaves at scale. Our experiments show a clear pattern across many settings, "
    "and we explain it with a simple model that fits every case we tried, including the hard ones."
)


def write(tmp_path, content, name="dump.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path
