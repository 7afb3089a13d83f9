"""A large first import against pg_restore of what it produced, with and without the bulk-load path.

    python benchmarks/generate.py 100000 /tmp/d100k
    python benchmarks/bulk_load.py /tmp/d100k/listing-000.txt
    python benchmarks/bulk_load.py --bulk-only /tmp/arxiv-1m/arxiv-metadata-oai-snapshot.json

On BENCH_DATABASE_URL's server or the embedded one in .local/bench-pgdata, for each way of loading
(`import_dumps --keep-indexes`: every index kept current; the default: the indexes only readers use
built at the end, bibliography/importers/bulk.py), one after the other:

1. a database of its own (`bench_bulk`), made anew and migrated;
2. `import_dumps FILE --no-duplicates` into it (timed, with the command's peak RSS);
3. the ceiling: `pg_dump -Fc` of that database, then `pg_restore` of it into another new one
   (`bench_restore`), timed: the same rows and indexes written by PostgreSQL's own loader.
Prints Markdown rows for docs/benchmarks.md.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from import_throughput import ROOT, database_url, manage, recreate, server_url

sys.path.insert(0, str(ROOT))
from bibliography.backups import BIN  # noqa: E402 (the embedded server's own tools, as `backup` uses)

LOADED, RESTORED = "bench_bulk", "bench_restore"


def restore_seconds(maintenance: str) -> float:
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "library.dump"
        subprocess.run(
            [str(BIN / "pg_dump"), "-Fc", "-f", str(dump), "-d", database_url(maintenance, LOADED)], check=True
        )
        recreate(maintenance, RESTORED)
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "pg_restore"), "--no-owner", "-d", database_url(maintenance, RESTORED), str(dump)], check=True
        )
        return time.perf_counter() - started


WAYS = [("every index kept current", ["--keep-indexes"]), ("bulk-load path", [])]


def main(listing: Path, bulk_only: bool = False) -> None:
    maintenance, server = server_url()
    rows = []
    try:
        for label, options in WAYS[1:] if bulk_only else WAYS:
            recreate(maintenance, LOADED)
            url = database_url(maintenance, LOADED)
            manage(url, "migrate", "--verbosity", "0")
            seconds, rss = manage(url, "import_dumps", str(listing), "--no-duplicates", "--no-progress", *options)
            rows.append((label, seconds, rss, restore_seconds(maintenance)))
    finally:
        if server is not None:
            server.cleanup()
    print("| import | seconds | peak RSS | pg_restore of its result, s | import / pg_restore |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, seconds, rss, restore in rows:
        print(f"| {label} | {seconds:.1f} | {rss / 1024:.0f} MB | {restore:.1f} | {seconds / restore:.2f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="a large file to import (benchmarks/generate.py, arxiv_snapshot.py)")
    parser.add_argument("--bulk-only", action="store_true", help="leave out the import that keeps every index")
    given = parser.parse_args()
    main(given.file, bulk_only=given.bulk_only)
