"""Importing a reference manager's library: a .bib of N entries, as Zotero and Better BibTeX write them.

    python benchmarks/library_import.py 100000
    python benchmarks/library_import.py 10000 --no-duplicates --baseline ../old-checkout

Writes `library-N.bib` (in .local/bench/) of new works: every field a real export carries
(biblatex and BibTeX dialects mixed; 1-12 authors from a recurring pool, some with particles,
accents written as TeX, an institution; a journal or proceedings; volume, number, pages,
publisher, ISBN or ISSN, DOI, URL, urldate, `date` or `year` + `month`; an abstract; 0-6
keywords; `{Protected}` words and `$math$` in titles; a `file` field the record keeps as written)
and imports it with `manage.py import_dumps` into a fresh database of its own (like
import_throughput.py), printing entries per second and the command's peak RSS. Run it at two
sizes to see that memory does not grow with the file.
"""

import argparse
import random
import time
from pathlib import Path

from generate import vocabulary
from import_throughput import database_url, manage, recreate, server_url

ROOT = Path(__file__).resolve().parent.parent
GIVEN = "Ana Ben Chen Dana Eli Fatima Gabriel Hiro Ines Jun Kofi Lena Mateo Nadia Omar Priya Quentin Rosa Sven Tara"
FAMILY = [
    *[
        "Garcia",
        "Smith",
        "Wang",
        "Kumar",
        "Rossi",
        "Sato",
        "Novak",
        "Okafor",
        "Silva",
        "Dubois",
        "Kim",
        "Haddad",
        "Larsen",
        "Costa",
        "Ivanova",
        "Nakamura",
    ],
    'M{\\"u}ller',
    "van der Berg",
    "de la Cruz",
    "O'Brien",
]
JOURNALS = [
    "Nature", "Physical Review D", "Journal of Machine Learning Research", "IEEE Transactions on Computers",
    "Proceedings of the VLDB Endowment", "Communications of the ACM", "Neural Computation", "The Lancet",
]  # fmt: skip
CONFERENCES = ["Proceedings of ICML", "Advances in NeurIPS", "Proceedings of the ACM SIGMOD Conference", "CVPR"]
KEYWORDS = [
    "learning",
    "scaling",
    "optimisation",
    "graphs",
    "vision",
    "language",
    "physics",
    "biology",
    "databases",
    "theory",
    "robustness",
]


def authors(rng: random.Random) -> str:
    given, family = GIVEN.split(), FAMILY
    names = [
        f"{rng.choice(family)}, {rng.choice(given)} {chr(65 + rng.randrange(26))}." for _ in range(rng.randint(1, 12))
    ]
    if rng.random() < 0.05:
        names.append("{World Health Organization}")
    if rng.random() < 0.1:
        names.append("others")
    return " and ".join(names)


def entry(rng: random.Random, words: list[str], n: int) -> str:
    title_words = rng.choices(words, k=rng.randint(5, 14))
    if n % 7 == 0:
        title_words[rng.randrange(len(title_words))] = "{" + rng.choice(["BERT", "GPU", "DNA", "LaTeX"]) + "}"
    if n % 11 == 0:
        title_words.append("$\\beta$-divergence")
    title = " ".join(title_words) + f" {n}"
    title = title[0].upper() + title[1:]
    abstract = " ".join(rng.choices(words, k=rng.randint(120, 260))).capitalize() + "."
    biblatex = n % 2 == 0
    journal = n % 3 != 0
    kind = "article" if journal else "inproceedings"
    fields = [
        ("title", "{" + title + "}"),
        ("author", authors(rng)),
        ("journaltitle" if biblatex and journal else "journal" if journal else "booktitle",
         rng.choice(JOURNALS if journal else CONFERENCES)),
        ("volume", str(rng.randint(1, 120))),
        ("number", str(rng.randint(1, 12))),
        ("pages", f"{(p := rng.randint(1, 900))}--{p + rng.randint(3, 30)}"),
        ("publisher", "Springer" if n % 5 else "{IEEE}"),
        ("issn" if journal else "isbn", f"{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"),
        ("doi", f"10.5555/lib.{n}"),
        ("url", f"https://doi.org/10.5555/lib.{n}"),
        ("urldate", f"20{rng.randint(10, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"),
        ("abstract", abstract),
        ("file", f"Full Text PDF:/home/someone/Zotero/storage/{n:08X}/paper.pdf:application/pdf"),
    ]  # fmt: skip
    year = rng.randint(1990, 2026)
    if biblatex:
        fields.append(("date", f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"))
    else:
        fields += [("year", str(year)), ("month", rng.choice(["jan", "mar", "jul", "oct"]))]
    if keywords := rng.sample(KEYWORDS, rng.randint(0, 6)):
        fields.append(("keywords", ", ".join(keywords)))
    body = ",\n".join(f"  {name} = {value if name == 'month' else '{' + value + '}'}" for name, value in fields)
    return f"@{kind}{{lib{n},\n{body}\n}}\n\n"


def write_library(count: int, path: Path, seed: int = 7) -> None:
    rng, words = random.Random(seed), vocabulary()
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            out.write(entry(rng, words, n))


def main(count: int, baseline: Path | None = None, duplicates: bool = True) -> None:
    """Import the library with this checkout, and with the one at `baseline` (another commit, checked
    out beside it) in the same run, each into a fresh database."""
    folder = ROOT / ".local" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    library = folder / f"library-{count}.bib"
    if not library.exists():
        write_library(count, library)
    maintenance, _server = server_url()
    print("| code | entries | file MB | import s | entries/s | peak RSS |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, code in [("this", ROOT), *([("baseline", baseline)] if baseline else [])]:
        recreate(maintenance)
        url = database_url(maintenance)
        manage(url, "migrate", "-v0", code=code)
        options = [] if duplicates else ["--no-duplicates"]
        started = time.perf_counter()
        seconds, peak_kib = manage(url, "import_dumps", "--no-progress", *options, str(library), code=code)
        assert seconds <= time.perf_counter() - started + 1
        size = library.stat().st_size / 1e6
        print(
            f"| {name} | {count:,} | {size:.0f} | {seconds:.1f} | {count / seconds:,.0f} | {peak_kib / 1024:.0f} MB |"
        )


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("count", type=int)
    arguments.add_argument("--baseline", type=Path, help="another checkout to measure in the same run")
    arguments.add_argument("--no-duplicates", action="store_true", help="leave out the search for duplicates")
    given = arguments.parse_args()
    main(given.count, given.baseline, duplicates=not given.no_duplicates)
