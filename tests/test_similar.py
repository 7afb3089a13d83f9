"""Similar papers ("more like this"): found by the rarest words a paper shares with others, measured
on a real library's own keyword labels against chance and against title similarity."""

import io
import random
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from bibliography.models import Paper, PaperKeyword
from bibliography.similar import similar_papers, telling_words
from tests.factories import make_paper

pytestmark = pytest.mark.django_db

REAL = Path(__file__).parent / "data" / "real"


def keyword_precision(finder, papers, keywords: dict[int, set[str]], at_least: int = 1) -> float:
    """Of the papers a finder gives for each paper with keywords (at most 10 each), the share that
    have `at_least` of its keywords (folded)."""
    shared = given = 0
    for paper in papers:
        for other in finder(paper):
            given += 1
            shared += len(keywords.get(other, set()) & keywords[paper.pk]) >= at_least
    return shared / given if given else 0.0


def library_keywords() -> dict[int, set[str]]:
    rows = PaperKeyword.objects.values_list("paper_id", "keyword__name")
    keywords: dict[int, set[str]] = {}
    for paper, name in rows:
        keywords.setdefault(paper, set()).add(name.strip().lower())
    return keywords


@pytest.mark.slow
def test_similar_papers_share_the_librarys_own_keywords_far_more_than_chance():
    call_command("import_dumps", str(REAL / "ieee-xplore-elderly.bib"), "--no-progress", "--no-duplicates",
                 stdout=io.StringIO())  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE bibliography_paper")
    keywords = library_keywords()
    papers = list(Paper.objects.filter(pk__in=keywords).order_by("id"))
    ids = [p.pk for p in papers]
    rng = random.Random(1)
    found = {p.pk: [o.pk for o in similar_papers(p)] for p in papers}
    drawn = {p.pk: rng.sample([i for i in ids if i != p.pk], 10) for p in papers}
    by_title = {p.pk: list(Paper.objects.similar_to(p.title).exclude(pk=p.pk).order_by("-relevance")
                           .values_list("pk", flat=True)[:10]) for p in papers}  # fmt: skip
    matched = {pk: found[pk][: len(by_title[pk])] for pk in found}  # as many as title likeness gives

    def precision(given, n):
        return keyword_precision(lambda p: given[p.pk], papers, keywords, n)

    # measured 2026-12-04 (docs/benchmarks.md): 0.604 against 0.397 by chance; 0.790 against 0.764
    assert sum(map(len, found.values())) > 3 * sum(map(len, by_title.values()))  # ten for nearly every paper
    assert precision(found, 2) > 1.4 * precision(drawn, 2)
    assert precision(matched, 2) >= precision(by_title, 2)


def test_a_papers_similar_papers_in_the_api_and_the_admin(client, curator):
    paper = make_paper(
        title="Grokking: generalization beyond overfitting on small algorithmic datasets",
        abstract="Neural networks generalize long after overfitting modular arithmetic datasets.",
    )
    alike = make_paper(title="Towards understanding grokking", abstract="Grokking on modular arithmetic datasets.")
    make_paper(title="Protein folding", abstract="Structures of proteins from sequences.")
    for n in range(30):
        make_paper(title=f"Unrelated study {n}", abstract="Cooking recipes and gardening.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE bibliography_paper")
    told = {w.lexeme for w in telling_words(paper)}
    assert {"modular", "arithmet"} <= told and any(word.startswith("grok") for word in told)
    assert not told & {"cook", "recip"}  # not its words
    answer = APIClient().get(f"/api/papers/{paper.pk}/similar/").json()["results"]
    assert answer[0]["id"] == alike.pk and answer[0]["relevance"] > 0
    assert paper.pk not in [r["id"] for r in answer] and len(answer) <= 10
    page = client.get(f"/admin/bibliography/paper/{paper.pk}/change/").content.decode()
    assert f'href="/admin/bibliography/paper/?like={paper.pk}">Similar papers</a>' in page
    listed = client.get("/admin/bibliography/paper/", {"like": paper.pk})
    assert [p.pk for p in listed.context["cl"].result_list][0] == alike.pk


def test_a_paper_of_common_words_only_finds_papers_titled_alike():
    paper = make_paper(title="A study", abstract="")
    make_paper(title="A study", abstract="")
    assert [p.title for p in similar_papers(paper)] == ["A study"]
