"""How alike the papers "Similar papers" gives are, by the real libraries' own keywords.

    python benchmarks/similar_quality.py        # a Markdown table

Imports each library into a database of its own, `bench_similar`, dropped and made anew (on the
server of BENCH_DATABASE_URL, or else the embedded server in .local/bench-pgdata), runs ANALYZE, and
for every paper with keywords measures the share of the papers given (at most 10) that have at
least 1, 2 or 3 of its keywords: for similar_papers, for title likeness (the API's `similar_to`,
pg_trgm), for similar_papers cut to as many as title likeness gives each paper, and for ten papers
drawn at random. tests/test_similar.py asserts the same on the first library.
"""

import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from duplicate_quality import django_on  # noqa: E402
from import_throughput import ROOT, database_url, recreate, server_url  # noqa: E402

LIBRARIES = ["ieee-xplore-elderly.bib", "scopus-biodiversity.bib"]


def figures(name: str) -> list[str]:
    from django.core.management import call_command
    from django.db import connection

    from bibliography.models import Paper, PaperKeyword
    from bibliography.similar import similar_papers

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("import_dumps", str(ROOT / "tests" / "data" / "real" / name), no_progress=True,
                     no_duplicates=True, stdout=quiet)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE bibliography_paper")
    keywords: dict[int, set[str]] = {}
    for paper, word in PaperKeyword.objects.values_list("paper_id", "keyword__name"):
        keywords.setdefault(paper, set()).add(word.strip().lower())
    papers = list(Paper.objects.filter(pk__in=keywords).order_by("id"))
    ids, rng = [p.pk for p in papers], random.Random(1)
    started = time.perf_counter()
    found = {p.pk: [o.pk for o in similar_papers(p)] for p in papers}
    per_paper = (time.perf_counter() - started) / len(papers) * 1000
    titled = {p.pk: list(Paper.objects.similar_to(p.title).exclude(pk=p.pk).order_by("-relevance")
                         .values_list("pk", flat=True)[:10]) for p in papers}  # fmt: skip
    ways = {
        "similar papers": found,
        "title likeness": titled,
        "similar papers, as many as title likeness": {pk: found[pk][: len(titled[pk])] for pk in found},
        "ten drawn at random": {p.pk: rng.sample([i for i in ids if i != p.pk], 10) for p in papers},
    }
    rows = []
    for way, given in ways.items():
        shares = []
        for at_least in (1, 2, 3):
            hits = [
                len(keywords.get(o, set()) & keywords[p]) >= at_least for p, others in given.items() for o in others
            ]
            shares.append(f"{sum(hits) / len(hits):.3f}" if hits else "—")
        count = sum(map(len, given.values()))
        rows.append(f"| {name} ({len(papers)} papers) | {way} | {count:,} | {' | '.join(shares)} |")
    rows.append(f"| {name} | similar papers: time per paper | {per_paper:.1f} ms | | | |")
    return rows


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--library":  # one library, in a process of its own
        maintenance, _server = server_url()
        recreate(maintenance, "bench_similar")
        django_on(database_url(maintenance, "bench_similar"))
        print("\n".join(figures(sys.argv[2])), flush=True)
        return
    print("| library | papers given by | given | ≥ 1 keyword | ≥ 2 | ≥ 3 |")
    print("| --- | --- | ---: | ---: | ---: | ---: |", flush=True)
    for name in LIBRARIES:
        subprocess.run([sys.executable, __file__, "--library", name], check=True)


if __name__ == "__main__":
    main()
