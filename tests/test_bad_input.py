"""Property-based tests: any bytes, truncations and mutations of real dumps import cleanly or fail with
`FILE:LINE: reason`; never a traceback, never a partial write, never page chrome stored as a paper."""

import re
from pathlib import Path

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibliography.formats import listing
from bibliography.formats.errors import DumpError
from bibliography.formats.reader import DumpReader
from bibliography.formats.registry import detect_format
from bibliography.importers.load import import_file
from bibliography.models import ImportRun, ImportStatus, Paper
from tests.dumps import DUMPS
from tests.formats.test_bibtex import BIB

CSL = """[
  {"id": "a", "type": "article-journal", "title": "Deep Things", "issued": {"date-parts": [[2020, 5]]},
   "author": [{"family": "Smith", "given": "Jane"}], "DOI": "10.1234/abc", "keyword": "scaling"},
  {"id": "b", "type": "paper-conference", "title": "Other Things", "container-title": "ICLR"}
]
"""
RIS = "TY  - JOUR\nTI  - Deep Things\nAU  - Smith, Jane\nPY  - 2020\nDO  - 10.1234/abc\nER  - \n\n" * 2

SAMPLES = {path.name: path.read_bytes() for path in sorted(DUMPS.glob("*.txt"))} | {
    "refs.bib": BIB.encode(),
    "items.json": CSL.encode(),
    "refs.ris": RIS.encode(),
}

# Faults of a whole file, not of a line in it.
WHOLE_FILE = (
    "the file is empty",
    "no paper found",
    "no 'Abstract:' line",
    "no concept graph",
    "cannot read the file",
    "the gzip file is damaged",  # bytes that begin as gzip's do, and stop
)

CHROME = {line.lower() for line in listing._HEADER_LINES}


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    """A real dump (or reference-manager file), cut off, with lines lost, repeated or swapped, or bytes changed."""
    name = draw(st.sampled_from(sorted(SAMPLES)))
    data = SAMPLES[name]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "drop line", "repeat line", "swap lines", "insert", "flip byte"]))
        lines = data.splitlines(keepends=True) or [b""]
        if kind == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
        elif kind == "drop line":
            del lines[draw(st.integers(0, len(lines) - 1))]
            data = b"".join(lines)
        elif kind == "repeat line":
            at = draw(st.integers(0, len(lines) - 1))
            lines.insert(at, lines[at])
            data = b"".join(lines)
        elif kind == "swap lines":
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
            data = b"".join(lines)
        elif kind == "insert":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=40)) + data[at:]
        elif data:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    return name, data


def parse_everything(path: Path):
    """What import_file does before the database: detect, then parse to the last record."""
    warnings: list[str] = []
    format = detect_format(path)
    reader = DumpReader(path)
    if format.one_record:
        return format.name, [format.parse(reader, path.name, warnings).paper]
    return format.name, list(format.parse(reader, path.name, warnings))


def check_error(error: DumpError, name: str) -> None:
    text = str(error)
    assert re.match(rf"^{re.escape(name)}(:\d+)?: \S", text), text
    assert error.line or error.message.startswith(WHOLE_FILE), text
    assert "Traceback" not in text


def check_records(format: str, records, name: str) -> None:
    for record in records:
        if record.problems:  # not imported: each problem names the file, the line and what is wrong
            for problem in record.problems:
                check_error(problem, name)
            continue
        # a reference-manager entry may be only authors and a DOI; it is flagged for a curator
        assert record.title or record.abstract or record.review_reason, record
        if format in ("listing", "abstracts"):
            assert record.title or record.abstract, record
        if format == "listing":
            assert record.title.lower() not in CHROME, record.title
            assert listing.parse_date(record.title) is None and not listing.is_metadata(record.title), record.title
            assert record.abstract.lower() not in CHROME, record.abstract


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sample=mutated())
def test_mutated_dumps_parse_or_fail_naming_file_and_line(tmp_path, sample):
    parses_or_fails_well(tmp_path, *sample)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000), name=st.sampled_from(["dump.txt", "refs.bib", "x.json", "y.ris"]))
def test_any_bytes_parse_or_fail_naming_file_and_line(tmp_path, data, name):
    parses_or_fails_well(tmp_path, name, data)


def parses_or_fails_well(tmp_path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        format, records = parse_everything(path)
    except DumpError as error:
        check_error(error, name)
    else:
        check_records(format, records, name)


def written() -> dict[str, int]:
    """Row counts of everything an import writes, failed-import records aside."""
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith("bibliography_") and table != "bibliography_importrun":
                cursor.execute(f"SELECT count(*) FROM {table}")
                counts[table] = cursor.fetchone()[0]
    counts["succeeded runs"] = ImportRun.objects.filter(status=ImportStatus.SUCCEEDED).count()
    return counts


@pytest.mark.django_db
@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sample=mutated())
def test_mutated_dumps_import_whole_or_not_at_all(tmp_path, sample):
    name, data = sample
    path = tmp_path / name
    path.write_bytes(data)
    with transaction.atomic():  # each example starts from the same database
        Paper.objects.create(title="Already here", abstract="Before the import.")
        before = written()
        result = import_file(path, year=2024)
        if result.ok:
            for title in Paper.objects.values_list("title", flat=True):
                assert title.lower() not in CHROME and listing.parse_date(title) is None, title
                assert not listing.is_metadata(title), title
        else:
            check_error(result.error, name)
            assert written() == before, "a failed import wrote something"
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    "damage",
    [b"4", b"\x00\xd8\x00a", b"\x00\xd8"],  # (little-endian) cut inside a character; a lone surrogate; a pair cut
    ids=["odd byte at the end", "lone surrogate", "pair cut short"],
)
@pytest.mark.parametrize("bom, encoding", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_a_damaged_utf16_file_is_read_with_a_warning_naming_the_file_and_line(tmp_path, bom, encoding, damage):
    text = "@article{a, title={Caf\u00e9 society}, year={2020}}\n\n@article{b, title={Second}, year={2021}}\n"
    body = text.encode(encoding)
    damage = damage if encoding == "utf-16-le" or len(damage) % 2 else damage[::-1]
    path = tmp_path / "refs.bib"
    path.write_bytes(bom + body + damage)
    format, records = parse_everything(path)
    assert format == "bibtex"
    assert [r.title for r in records] == ["Caf\u00e9 society", "Second"]
    reader = DumpReader(path)
    lines = [line.text for line in reader]
    assert "\ufffd" in lines[-1]
    assert [w for w in reader.warnings if w.startswith("refs.bib:") and "not UTF-16" in w]
