"""The search for duplicates as a library grows: after an import of new papers, and over the whole library.

    python benchmarks/generate.py 20000 /tmp/new-20k --seed 7
    python benchmarks/duplicate_search.py /tmp/new-20k/listing-000.txt

Runs on the database import_throughput.py leaves (`bench_import`, on BENCH_DATABASE_URL's server or
the embedded one in .local/bench-pgdata), without dropping it, so the library is as large as the
imports before made it. One after the other:

1. `manage.py migrate` and `find_duplicates --waiting`: the papers the search has not seen yet (all
   of them, the first time after migration 0050) get their band keys and are compared;
2. the baseline, on the same server: the previous design's query (one pg_trgm probe per new paper,
   `title_key % title_key` at similarity 0.8) for the SAMPLE newest titled papers, per paper;
3. `import_dumps --no-duplicates` of the file (timed), then `find_duplicates --waiting` (timed): the
   share of an import's time that goes to duplicates;
4. `find_duplicates` over the whole library (timed), and with `--baseline CHECKOUT` the same command
   of another checkout (a `git worktree` of an older commit) on the same library, right after.
`--database NAME` runs on another database of that server (a library of a million papers:
`generate.py 1000000` imported with `import_dumps --no-duplicates`).
Prints Markdown rows for docs/benchmarks.md.
"""

import argparse
import time
from pathlib import Path

import psycopg2
from import_throughput import DATABASE, database_url, manage, server_url

SAMPLE = 200

TRIGRAM_PROBE = """
SELECT count(*) FROM bibliography_paper n
JOIN bibliography_paper o ON o.title_key %% n.title_key AND o.id <> n.id
WHERE n.id IN (SELECT id FROM bibliography_paper WHERE title_key <> '' ORDER BY id DESC LIMIT %s)
"""


def one(url: str, query: str, *params) -> object:
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def trigram_probe_seconds(url: str) -> float:
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SET pg_trgm.similarity_threshold = 0.8")
        started = time.perf_counter()
        cursor.execute(TRIGRAM_PROBE, [SAMPLE])
        return (time.perf_counter() - started) / SAMPLE


def main(listing: Path, database: str, baseline: Path | None) -> None:
    maintenance, server = server_url()
    url = database_url(maintenance, database)
    try:
        manage(url, "migrate", "--verbosity", "0")
        papers = one(url, "SELECT count(*) FROM bibliography_paper")
        waiting = one(url, "SELECT count(*) FROM bibliography_waitingpaper")
        first, _ = manage(url, "find_duplicates", "--waiting", "--no-progress")
        per_probe = trigram_probe_seconds(url)
        imported, _ = manage(url, "import_dumps", str(listing), "--no-duplicates", "--no-progress")
        added = one(url, "SELECT count(*) FROM bibliography_paper") - papers
        after_import, _ = manage(url, "find_duplicates", "--waiting", "--no-progress")
        total = one(url, "SELECT count(*) FROM bibliography_paper")
        everything, _ = manage(url, "find_duplicates", "--no-progress")
        candidates = one(url, "SELECT count(*) FROM bibliography_duplicatecandidate")
        before = manage(url, "find_duplicates", "--no-progress", code=baseline)[0] if baseline else None
    finally:
        if server is not None:
            server.cleanup()
    share = after_import / (imported + after_import)
    print("| step | papers | seconds | per paper |")
    print("| --- | ---: | ---: | ---: |")
    row(f"first search after migrating ({waiting:,} waiting)", papers, first, waiting)
    row(f"previous design: one trigram probe per paper ({SAMPLE} papers)", papers, per_probe * SAMPLE, SAMPLE)
    row(f"import of {added:,} new papers, duplicates left", total, imported, added)
    row("search for their duplicates", total, after_import, added)
    row(f"the previous design's search for them (per-paper probe × {added:,})", total, per_probe * added, added)
    row("find_duplicates over the whole library", total, everything, total)
    if before is not None:
        row(f"the same with {baseline.name}'s code", total, before, total)
    print(f"\nDuplicates' share of the import: {share:.1%}; candidate pairs in the library: {candidates:,}.")


def row(step: str, papers: int, seconds: float, per: int) -> None:
    print(f"| {step} | {papers:,} | {seconds:.1f} | {seconds / max(per, 1) * 1e3:.2f} ms |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("listing", type=Path, help="a file of new papers (benchmarks/generate.py --seed 7)")
    parser.add_argument("--database", default=DATABASE, help="the library's database on the server")
    parser.add_argument("--baseline", type=Path, help="another checkout whose find_duplicates is timed too")
    args = parser.parse_args()
    main(args.listing, args.database, args.baseline)
