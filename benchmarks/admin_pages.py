"""Server time of the curators' heaviest admin pages, on the bundled dumps.

    python manage.py quickstart --no-serve     # or: migrate + import_dumps + suggest_tags, once
    python benchmarks/admin_pages.py [--repeat 30]

Runs in-process with Django's test client (no network, no browser): what a request costs the
server from the URL to the last byte of HTML, with DEBUG off. The talk is the bundled paper with
the most key points. Prints a Markdown table of median, p90 and best (ms) and queries per page.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DJANGO_DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bibliography.models import Paper  # noqa: E402


def pages() -> dict[str, str]:
    talk = Paper.objects.annotate(points=Count("keypoints")).order_by("-points").first()
    if talk is None:
        sys.exit("No papers: import the bundled dumps first (python manage.py quickstart --no-serve).")
    change = reverse("admin:bibliography_paper_change", args=[talk.pk])
    return {
        f"talk's change page ({talk.points} key points, {talk.tags.count()} tags)": change,
        "paper list, 50 rows": reverse("admin:bibliography_paper_changelist"),
        "paper list, searched": reverse("admin:bibliography_paper_changelist") + "?q=language+model",
        "review queue: suggested tags": reverse("admin:review_tags"),
    }


def measure(client: Client, url: str, repeat: int) -> tuple[list[float], int]:
    for _ in range(3):  # warm: templates compiled, caches filled
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return times, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    user = get_user_model().objects.filter(is_superuser=True).first()
    if user is None:
        sys.exit("No superuser: quickstart makes one.")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    print("| page | median ms | p90 ms | best ms | queries |")
    print("| --- | --- | --- | --- | --- |")
    for name, url in pages().items():
        times, queries = measure(client, url, args.repeat)
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"| {name} | {statistics.median(times):.0f} | {p90:.0f} | {min(times):.0f} | {queries} |")


if __name__ == "__main__":
    main()
