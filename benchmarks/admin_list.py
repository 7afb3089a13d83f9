"""Server time of the admin's paper list on a large library, with its year filter shown.

    DATABASE_URL=postgresql://…/bench_1m python benchmarks/admin_list.py [--repeat 20]

Runs in-process with Django's test client, DEBUG off, as a superuser (made if there is none), on
DATABASE_URL's library: the list as it opens, filtered by a recent and an old year, sorted by each
column it offers to sort by, searched for a common word and a less common one. Checks on every page
that the year filter offers each year the library has (a filter that silently vanished would make
the page fast and useless), and prints a Markdown table of median, p90 and best (ms) and queries per
page.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DJANGO_DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from admin_pages import measure  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bibliography.models import Paper  # noqa: E402


def pages(years: list[int]) -> dict[str, str]:
    papers = reverse("admin:bibliography_paper_changelist")
    return {
        "paper list, 50 rows": papers,
        f"filtered by year {years[0]}": f"{papers}?year={years[0]}",
        f"filtered by year {years[-1]}": f"{papers}?year={years[-1]}",
        "sorted by title": f"{papers}?o=1",
        "sorted by title, descending": f"{papers}?o=-1",
        "sorted by year, newest first": f"{papers}?o=-3",
        "sorted by citations, most first": f"{papers}?o=-7",
        "sorted by last change": f"{papers}?o=9",
        "searched: a word in most papers": f"{papers}?q=learning",
        "searched: a word in a quarter of them": f"{papers}?q=tokenizer",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    years = Paper.objects.years()
    if not years:
        sys.exit("The library has no years: the year filter would have nothing to show.")
    users = get_user_model()
    user = users.objects.filter(is_superuser=True).first() or users.objects.create_superuser("bench", None, None)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'bibliography_paper'::regclass")
        print(f"{cursor.fetchone()[0]:,} papers, {len(years)} years\n")
    print("| page | median ms | p90 ms | best ms | queries |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, url in pages(years).items():
        html = client.get(url).content.decode()
        missing = [year for year in years if f"year={year}" not in html]
        assert not missing, f"{url}: the year filter does not offer {missing[:5]}"
        times, queries = measure(client, url, args.repeat)
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"| {name} | {statistics.median(times):.0f} | {p90:.0f} | {min(times):.0f} | {queries} |")


if __name__ == "__main__":
    main()
