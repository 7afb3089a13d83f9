"""The share of an import's time that goes to the search for duplicates of its new papers, both ways.

    python benchmarks/generate.py 20000 /tmp/new-47 --seed 47     # one listing per seed
    python benchmarks/duplicates_share.py /tmp/new-4{7,8,9,50}/listing-000.txt --database bench_1m

Into the library of `--database` (on BENCH_DATABASE_URL's server or the embedded one in
.local/bench-pgdata, as import_throughput.py), the first half of the listings, one after the other,
then the second half:

- `import_dumps` as a user runs it: the new papers are looked up beside the writing, the rest of the
  search at its end (bibliography/importers/duplicates_beside.py), then whatever waits. It leaves
  its keys in the index's pending list, which the next import merges beside its writing: after the
  first half, that merge is timed on its own (`gin_clean_pending_list`), so that the second half
  does not pay it;
- `import_dumps --no-duplicates`, then `find_duplicates --waiting`: the search after the import.

The second way tells what the import alone takes; the first way's share is its time beyond the
mean of those, over its own time. Each listing adds its papers to the library for good.
Prints Markdown rows for docs/benchmarks.md.
"""

import argparse
import statistics
import time
from pathlib import Path

import psycopg2
from import_throughput import database_url, manage, server_url


def papers(url: str) -> int:
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bibliography_paper")
        return cursor.fetchone()[0]


def pending_merged(url: str) -> float:
    """Seconds to merge the index's pending list (the keys the last import left there)."""
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT gin_clean_pending_list('titlesketch_bands_idx')")
        return time.perf_counter() - started


def main(listings: list[Path], database: str) -> None:
    maintenance, server = server_url()
    url = database_url(maintenance, database)
    rows = []
    try:
        manage(url, "migrate", "--verbosity", "0")
        manage(url, "find_duplicates", "--waiting", "--no-progress")
        half = (len(listings) + 1) // 2
        for listing in listings[:half]:
            library = papers(url)
            seconds, rss = manage(url, "import_dumps", str(listing), "--no-progress")
            rows.append(("beside", listing, library, seconds, None, rss))
        merged = pending_merged(url)
        for listing in listings[half:]:
            library = papers(url)
            seconds, rss = manage(url, "import_dumps", str(listing), "--no-duplicates", "--no-progress")
            search, _ = manage(url, "find_duplicates", "--waiting", "--no-progress")
            rows.append(("after", listing, library, seconds, search, rss))
    finally:
        if server is not None:
            server.cleanup()
    alone = statistics.mean(seconds for way, _, _, seconds, _, _ in rows if way == "after")
    print("| listing | library before | way | import s | search s | search's share | peak RSS |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
    for way, listing, library, seconds, search, rss in rows:
        if way == "after":
            cells = f"after the import | {seconds:.1f} | {search:.1f} | {search / (seconds + search):.0%}"
        else:
            extra = seconds - alone
            cells = f"beside the import | {seconds:.1f} | ({extra:.1f} beyond {alone:.1f}) | {extra / seconds:.0%}"
        print(f"| {listing.parent.name}/{listing.name} | {library:,} | {cells} | {rss / 1024:.0f} MB |")
    print(f"\nThe last import's keys merged into the index afterwards: {merged:.1f} s.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("listings", type=Path, nargs="+", help="files of new papers (benchmarks/generate.py --seed N)")
    parser.add_argument("--database", default="bench_1m", help="the library's database on the server")
    args = parser.parse_args()
    main(args.listings, args.database)
