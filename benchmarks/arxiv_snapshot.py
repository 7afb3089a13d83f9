"""An arXiv metadata snapshot of any size, imported against PostgreSQL's own COPY ceiling.

    python benchmarks/arxiv_snapshot.py generate 1000000 /tmp/arxiv-1m
    python benchmarks/arxiv_snapshot.py measure /tmp/arxiv-1m

`generate` writes, into the folder:
- `arxiv-metadata-oai-snapshot.json`: e-prints in the real snapshot's format (one JSON object a
  line, the fields and layout of tests/data/real/arxiv-snapshot.jsonl: titles and abstracts wrapped
  as arXiv wraps them, LaTeX in one title in ten, `authors` and `authors_parsed`, 1-8 authors from
  a pool so that they recur, a DOI in one in three, a journal-ref in one in four, versions with
  their dates); ids are unique, 20,000 a month from 1501;
- `copy.tsv`: every title and abstract as the import stores them, for the ceiling.

`measure` imports the snapshot into a database of its own (as import_throughput.py: the server
of BENCH_DATABASE_URL or an embedded one in .local/bench-pgdata) with `import_dumps
--no-duplicates` (a bulk import leaves the search for duplicates to `find_duplicates` anyway),
then COPYs copy.tsv into a bare table with the same full-text vector and GIN index, and prints a
row for docs/benchmarks.md.
"""

import argparse
import json
import random
import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import abstract, author_pool, sentence, vocabulary  # noqa: E402
from import_throughput import ceiling, database_url, manage, recreate, server_url  # noqa: E402

SNAPSHOT = "arxiv-metadata-oai-snapshot.json"
PER_MONTH = 20_000
CATEGORIES = [
    "cs.LG",
    "cs.CL",
    "cs.CV",
    "stat.ML",
    "hep-ph",
    "hep-th",
    "astro-ph.GA",
    "cond-mat.mes-hall",
    "math.PR",
    "quant-ph",
]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _wrapped(text: str, indent: str) -> str:
    return textwrap.fill(text, width=80, subsequent_indent=indent)


def eprint(n: int, rng: random.Random, words: list[str], pool: list[str]) -> tuple[dict, str, str]:
    """One e-print as the snapshot writes it, and its title and abstract as the import stores them."""
    month = n // PER_MONTH
    year, month_of_year = 2015 + month // 12, month % 12 + 1
    arxiv_id = f"{year % 100:02d}{month_of_year:02d}.{n % PER_MONTH + 1:05d}"
    title = f"{sentence(rng, words, 6, 14)} {n}"
    shown_title = title
    if n % 10 == 0:
        title += " with $\\alpha$-stable noise"
        shown_title += " with $\\alpha$-stable noise"
    text = abstract(rng, words, n)
    people = rng.sample(pool, rng.randint(1, 8))
    parsed = [[name.split()[-1], " ".join(name.split()[:-1]), ""] for name in people]
    day = rng.randint(1, 28)
    created = f"{DAYS[(day + month) % 7]}, {day} {MONTHS[month_of_year - 1]} {year} 12:{n % 60:02d}:07 GMT"
    item = {
        "id": arxiv_id,
        "submitter": people[0],
        "authors": ", ".join(people[:-1]) + (" and " if len(people) > 1 else "") + people[-1],
        "title": _wrapped(title, "  "),
        "comments": f"{rng.randint(4, 40)} pages, {rng.randint(1, 12)} figures",
        "journal-ref": f"Phys.Rev.D{rng.randint(50, 110)}:{rng.randint(1000, 9999)},{year}" if n % 4 == 0 else None,
        "doi": f"10.1103/PhysRevD.{rng.randint(50, 110)}.{n:07d}" if n % 3 == 0 else None,
        "report-no": None,
        "categories": " ".join(rng.sample(CATEGORIES, rng.randint(1, 3))),
        "license": "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
        "abstract": "  " + _wrapped(text, "") + "\n",
        "versions": [{"version": "v1", "created": created}],
        "update_date": f"{year}-{month_of_year:02d}-{day:02d}",
        "authors_parsed": parsed,
    }
    return item, shown_title, text


def generate(count: int, out: Path, seed: int = 1) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng, words, pool = random.Random(seed), vocabulary(), author_pool(count)
    with (out / SNAPSHOT).open("w") as snapshot, (out / "copy.tsv").open("w") as tsv:
        for n in range(count):
            item, title, text = eprint(n, rng, words, pool)
            snapshot.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
            tsv.write(f"{title}\t{text}\n")


def measure(folder: Path) -> None:
    maintenance, _server = server_url()
    recreate(maintenance)
    url = database_url(maintenance)
    manage(url, "migrate", "-v0")
    papers = sum(1 for _ in (folder / "copy.tsv").open())
    import_seconds, peak_kib = manage(url, "import_dumps", "--no-progress", "--no-duplicates", str(folder / SNAPSHOT))
    copy_seconds, stored, authorships = ceiling(url, folder / "copy.tsv")
    rate, most = papers / import_seconds, papers / copy_seconds
    print("| e-prints | import s | e-prints/s | COPY s | COPY rows/s | ratio | peak RSS |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {papers:,} | {import_seconds:.1f} | {rate:,.0f} | {copy_seconds:.1f} | {most:,.0f} | "
        f"{rate / most:.0%} | {peak_kib / 1024:.0f} MB |"
    )
    print(f"stored papers {stored:,}, authorships {authorships:,}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("generate")
    made.add_argument("count", type=int)
    made.add_argument("out", type=Path)
    made.add_argument("--seed", type=int, default=1)
    measured = commands.add_parser("measure")
    measured.add_argument("folder", type=Path)
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.count, args.out, args.seed)
    else:
        measure(args.folder)
