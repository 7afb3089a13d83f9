"""Write synthetic dumps in the real formats, of any size, to measure imports and the API.

    python benchmarks/generate.py 1000000 /tmp/dumps-1m

Writes, into the folder:
- `listing-NNN.txt`: trending-papers listings of up to 100,000 papers each, in the real layout;
  titles are unique, abstracts 1,300-1,900 characters drawn from the seed dumps' vocabulary with
  their word frequencies, a code URL in about one abstract in four, as in the real listings;
- `abstracts.txt`: bare abstracts, one in fifty a copy of a listed paper's abstract (a duplicate
  the importer must recognise), as many again new ones;
- `authors.bib`: BibTeX entries for one listed paper in ten, the same title with 1-8 authors drawn
  from a pool of names (so authors recur across papers), a year and a DOI: the listing's papers
  completed from a reference manager;
- `copy.tsv`: every listed title and abstract, for the COPY ceiling (see import_throughput.py).
Same seed, same files.
"""

import argparse
import random
import re
from pathlib import Path

DUMPS = Path(__file__).resolve().parent.parent / "fixtures" / "dumps"
HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\nMar 20\n\n"
PER_FILE = 100_000
GIVEN = "Ana Ben Chen Dana Eli Fatima Gabriel Hiro Ines Jun Kofi Lena Mateo Nadia Omar Priya Quentin Rosa Sven Tara"
FAMILY = "Garcia Smith Wang Kumar Müller Rossi Sato Novak Okafor Silva Dubois Kim Haddad Larsen Costa Ivanova"


def vocabulary() -> list[str]:
    words = []
    for path in DUMPS.glob("00[34]_*.txt"):
        words += re.findall(r"[A-Za-z][a-z]+", path.read_text())
    return words


def sentence(rng: random.Random, words: list[str], low: int, high: int) -> str:
    return " ".join(rng.choices(words, k=rng.randint(low, high))).capitalize()


def abstract(rng: random.Random, words: list[str], n: int) -> str:
    parts, length, target = [], 0, rng.randint(1300, 1900)
    while length < target:
        part = sentence(rng, words, 12, 28) + "."
        parts.append(part)
        length += len(part) + 1
    if n % 4 == 0:
        parts.append(f"Code is at https://github.com/lab{n % 997}/project-{n}.")
    return " ".join(parts)


def author_pool(count: int) -> list[str]:
    """About one distinct name per 60 papers, so that authors recur."""
    size = max(50, count // 60)
    given, family = GIVEN.split(), FAMILY.split()
    return [
        f"{given[i % len(given)]} {chr(65 + i // 320 % 26)}{i // 8320 or ''}. {family[i // 20 % len(family)]}"
        for i in range(size)
    ]


def main(count: int, out: Path, seed: int = 1) -> None:
    rng = random.Random(seed)
    words = vocabulary()
    pool = author_pool(count)
    out.mkdir(parents=True, exist_ok=True)
    listing = None
    with (
        (out / "copy.tsv").open("w") as tsv,
        (out / "authors.bib").open("w") as bib,
        (out / "abstracts.txt").open("w") as bare,
    ):
        for n in range(count):
            if n % PER_FILE == 0:
                if listing:
                    listing.close()
                listing = (out / f"listing-{n // PER_FILE:03d}.txt").open("w")
                listing.write(HEADER)
            title = f"{sentence(rng, words, 5, 12)} {n}"
            text = abstract(rng, words, n)
            listing.write(f"{title}\n\n{text}\n\n")
            tsv.write(f"{title}\t{text}\n")
            if n % 10 == 0:
                names = " and ".join(rng.sample(pool, rng.randint(1, min(8, len(pool)))))
                bib.write(
                    f"@article{{p{n},\n  title = {{{title}}},\n  author = {{{names}}},\n"
                    f"  year = {{{rng.randint(1990, 2026)}}},\n  doi = {{10.5555/bench.{n}}}\n}}\n\n"
                )
            if n % 50 == 0:
                bare.write(f"Abstract: {text}\n")
            elif n % 50 == 25:
                bare.write(f"Abstract: {abstract(rng, words, n + count)}\n")
    if listing:
        listing.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("papers", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    main(args.papers, args.out, args.seed)
