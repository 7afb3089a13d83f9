"""The admin's year filter: the distinct years of every paper against a loose index scan.

    python benchmarks/year_filter.py         # after import_throughput.py filled bench_import

Runs both queries on the `bench_import` database (BENCH_DATABASE_URL as in import_throughput.py),
20 times each, twice, interleaved, and prints a Markdown table of the median and longest wall time.
"""

import os
import statistics
import sys
import time
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))
import import_throughput  # noqa: E402

DISTINCT = 'SELECT DISTINCT "year" FROM bibliography_paper ORDER BY "year" DESC'
RUNS = 20


def timed(cursor, sql: str) -> tuple[float, float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        cursor.execute(sql)
        cursor.fetchall()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def loose_index_scan(url: str) -> str:
    """The query Paper.objects.years() runs (the models need Django set up to be imported)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(import_throughput.ROOT))
    import django

    django.setup()
    from bibliography.models.papers import _YEARS

    return _YEARS


def main() -> None:
    maintenance, _server = import_throughput.server_url()
    url = import_throughput.database_url(maintenance)
    years_sql = loose_index_scan(url)
    conn = psycopg2.connect(url)
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT year) FROM bibliography_paper")
        papers, years = cursor.fetchone()
        results = {"DISTINCT over every paper": [], "loose index scan": []}
        for _ in range(2):
            results["DISTINCT over every paper"].append(timed(cursor, DISTINCT))
            results["loose index scan"].append(timed(cursor, years_sql))
    conn.close()
    print(f"{papers:,} papers, {years} years")
    print("| query | median ms | max ms |\n| --- | --- | --- |")
    for name, rounds in results.items():
        print(f"| {name} | {', '.join(f'{m:.2f}' for m, _ in rounds)} | {', '.join(f'{x:.2f}' for _, x in rounds)} |")


if __name__ == "__main__":
    main()
