"""The admin's paper list: full-text search, filters, its columns, dates drilled down by month, and
the number of queries and counts a page of it costs."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bibliography import searching
from bibliography.models import Concept, Keyword, Paper, PaperConcept, PaperKeyword
from tests.admin_pages import CHANGELIST, titles
from tests.factories import make_author, make_authorship, make_concept, make_paper, make_venue
from tests.plans import sorts

pytestmark = pytest.mark.django_db


def test_full_text_search_over_titles_abstracts_and_authors(client, curator, seed):
    found = titles(client.get(CHANGELIST, {"q": "induction head"}))
    assert any(t.startswith("What needs to go right for an induction head?") for t in found)
    by_author = titles(client.get(CHANGELIST, {"q": "Percy Liang"}))
    assert by_author == ["Workshop Mathematical and Empirical Understanding of Foundation Models (ME-FoMo)"]
    stemmed = titles(client.get(CHANGELIST, {"q": "phase transition"}))  # "transitions" in the text
    assert stemmed


def test_untitled_papers_show_their_provisional_label(client, curator, seed):
    found = titles(client.get(CHANGELIST, {"needs_review__exact": "1"}))
    assert len(found) == 10 and all(t.startswith("[untitled] ") for t in found)


def test_filters(client, curator, seed):
    scaling = Concept.objects.get(slug="scaling")
    talk_only = titles(client.get(CHANGELIST, {"concept": scaling.pk}))
    assert talk_only == ["Workshop Mathematical and Empirical Understanding of Foundation Models (ME-FoMo)"]
    assert len(titles(client.get(CHANGELIST, {"source_file": "004_b4ca87912f4c4db7.txt"}))) == 50  # first page
    assert client.get(CHANGELIST, {"source_file": "004_b4ca87912f4c4db7.txt"}).context["cl"].result_count == 82
    assert client.get(CHANGELIST, {"year": "2023"}).context["cl"].result_count == 1
    assert client.get(CHANGELIST, {"kind__exact": "talk"}).context["cl"].result_count == 1
    assert client.get(CHANGELIST, {"tag_status": "accepted"}).context["cl"].result_count == 1


def test_changelist_queries_do_not_grow_with_the_page(client, curator):
    for i in range(5):
        make_authorship(make_paper(title=f"Paper {i}"))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(CHANGELIST).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(40):
        make_authorship(make_paper(title=f"More {i}"))
    assert count() == few


def test_large_changelists_show_an_estimate_instead_of_counting(client, curator, monkeypatch):
    Paper.objects.bulk_create([Paper(title=f"Bulk {i}", title_key=f"bulk {i}") for i in range(60)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE bibliography_paper")
    monkeypatch.setattr(searching, "EXACT_COUNT_LIMIT", 10)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(CHANGELIST)
    assert response.context["cl"].result_count >= 10
    # no query counts the list (a row's own tag count, in its subquery, is not the list's)
    assert not [q for q in ctx.captured_queries if '"__count"' in q["sql"]]


def test_a_keywords_papers_are_one_click_from_the_keyword_list(client, curator):
    tagged = make_paper(title="Tagged")
    make_paper(title="Other")
    word = Keyword.objects.create(name="<b>bold</b> words")
    PaperKeyword.objects.create(paper=tagged, keyword=word)
    listing = client.get("/admin/bibliography/keyword/").content.decode()
    assert f'href="{CHANGELIST}?keyword={word.pk}"' in listing
    assert "&lt;b&gt;bold&lt;/b&gt; words" in listing
    assert titles(client.get(CHANGELIST, {"keyword": word.pk})) == ["Tagged"]
    assert titles(client.get(CHANGELIST, {"keyword": "³"})) == ["Other", "Tagged"]


class TestPaperList:
    """The list a curator works from: who wrote it, its identifiers and tags at a glance, dates
    drilled down from a year to its months, venue and date set on many papers at once."""

    def test_each_row_shows_first_authors_identifiers_and_accepted_tags(self, client, curator):
        paper = make_paper(title="Listed paper", doi="10.1/listed", arxiv_id="2401.00002")
        for position, name in enumerate(["Ada Lovelace", "Charles Babbage", "Mary Somerville", "Luigi Menabrea"], 1):
            make_authorship(paper, make_author(name), position)
        concept, other = make_concept(), make_concept()
        PaperConcept.objects.create(paper=paper, concept=concept, status="accepted")
        PaperConcept.objects.create(paper=paper, concept=other, status="suggested")
        rows = client.get(CHANGELIST).content.decode().split("<tr")
        row = next(r for r in rows if "Listed paper</a>" in r)
        assert "Ada Lovelace, Charles Babbage, Mary Somerville et al." in row
        assert '<span class="identifier">10.1/listed</span> <span class="identifier">2401.00002</span>' in row
        assert '<td class="field-tags_accepted">1</td>' in row

    def test_a_year_drills_down_to_its_months(self, client, curator):
        make_paper(title="March", issued={"date-parts": [[2021, 3, 4]]})
        make_paper(title="March too", issued={"date-parts": [[2021, 3, 30]]})
        make_paper(title="October", issued={"date-parts": [[2021, 10, 1]]})
        make_paper(title="Year only", year=2021)
        make_paper(title="Other year", issued={"date-parts": [[2020, 3, 4]]})
        assert "?month=" not in client.get(CHANGELIST).content.decode()  # no year chosen: no months offered
        page = client.get(CHANGELIST, {"year": "2021"})
        assert page.context["cl"].result_count == 4
        html = page.content.decode()
        assert "March" in html and "October" in html and "?month=3&amp;year=2021" in html
        assert titles(client.get(CHANGELIST, {"year": "2021", "month": "3"})) == ["March too", "March"]
        assert client.get(CHANGELIST, {"year": "2021", "month": "13"}).context["cl"].result_count == 4

    def test_venue_and_date_are_set_on_the_selected_papers_after_a_page_that_lists_them(self, client, curator):
        neurips = make_venue("NeurIPS")
        a, b = make_paper(title="First", issued={"date-parts": [[2019, 5, 1]]}), make_paper(title="Second")
        selected = {"action": "set_venue_or_date", "_selected_action": [a.pk, b.pk]}
        page = client.post(CHANGELIST, selected).content.decode()
        assert "Give these 2 papers a venue, a date, or both" in page and "First" in page and "Second" in page

        empty = client.post(CHANGELIST, selected | {"apply": "1", "venue": "", "issued": ""}).content.decode()
        assert "Choose a venue, a date, or both." in empty
        bad = client.post(CHANGELIST, selected | {"apply": "1", "issued": "next spring"}).content.decode()
        assert "write a date as 2020" in bad

        done = client.post(CHANGELIST, selected | {"apply": "1", "venue": neurips.pk, "issued": "2020-12"})
        assert done.status_code == 302
        for paper in (a, b):
            paper.refresh_from_db()
            assert (paper.venue, paper.year, paper.published_on, paper.issued) == (
                neurips, 2020, None, {"date-parts": [[2020, 12]]},
            )  # fmt: skip
            assert paper.history.first().history_user == curator
        recorded = a.history.count()  # the change, and the key it gave the paper
        again = client.post(CHANGELIST, selected | {"apply": "1", "venue": neurips.pk})
        assert again.status_code == 302 and a.history.count() == recorded  # nothing to change: no new history


def test_the_year_filter_offers_each_year_once_reading_one_index_entry_per_year(client, curator):
    Paper.objects.bulk_create(
        [Paper(title=f"Paper {n}", title_key=f"paper {n}", year=1990 + n % 3) for n in range(300)]
        + [Paper(title="Undated", title_key="undated")]
    )
    with CaptureQueriesContext(connection) as queries:
        page = client.get(CHANGELIST)
    filters = {getattr(spec, "parameter_name", None): spec for spec in page.context["cl"].filter_specs}
    assert [value for value, _ in filters["year"].lookup_choices] == [1992, 1991, 1990, "none"]

    def reads_years(sql: str) -> bool:  # a loose index scan, or a DISTINCT over every paper's year
        return "year" in sql and ("RECURSIVE" in sql or "DISTINCT" in sql.upper())

    (years_read,) = [query["sql"] for query in queries.captured_queries if reads_years(query["sql"])]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as at a million papers; 301 rows fit a page or two
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + years_read)
        plan = cursor.fetchone()[0][0]["Plan"]

    def index_rows(node):  # rows every index scan of the plan returned, over all its loops
        own = node["Actual Rows"] * node["Actual Loops"] if "Index" in node["Node Type"] else 0
        return own + sum(index_rows(child) for child in node.get("Plans", []))

    assert index_rows(plan) <= 4  # one entry per year (the probe below 1990 finds none), not 301


def test_the_type_filter_offers_the_types_in_use_with_one_index_probe_per_type(client, curator):
    Paper.objects.bulk_create(
        [Paper(title=f"Paper {n}", title_key=f"paper {n}", item_type="paper-conference") for n in range(200)]
        + [Paper(title="A thesis", title_key="a thesis", item_type="thesis")]
        + [Paper(title="An article", title_key="an article", item_type="article-journal")]
    )
    with CaptureQueriesContext(connection) as queries:
        page = client.get(CHANGELIST)
    filters = {getattr(spec, "parameter_name", None): spec for spec in page.context["cl"].filter_specs}
    assert filters["item_type__exact"].lookup_choices == [
        ("article-journal", "journal article"),
        ("paper-conference", "conference paper"),
        ("thesis", "Thesis"),
    ]
    (types_read,) = [query["sql"] for query in queries.captured_queries if "ORDINALITY" in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as at a million papers
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + types_read)
        plan = json.dumps(cursor.fetchone()[0][0]["Plan"])
    assert "paper_item_type_idx" in plan and "Seq Scan" not in plan  # a probe per type, not every paper

    theses = client.get(CHANGELIST, {"item_type__exact": "thesis"})
    assert [paper.title for paper in theses.context["cl"].result_list] == ["A thesis"]


def test_every_column_the_list_sorts_by_reads_a_page_in_index_order(client, curator, seed):
    """Sorting a million papers for each page costs seconds (7 s by title, 4 s by citations, before
    this test): each column the list offers to sort by, either way, must have an index that gives
    its pages in order. With sorting priced out, a plan that still sorts has no such index."""
    offered = set(re.findall(r'href="\?o=(\d+)"', client.get(CHANGELIST).content.decode()))
    assert len(offered) >= 3
    for order in sorted(offered) + [f"-{column}" for column in sorted(offered)]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CHANGELIST, {"o": order}).status_code == 200
        page = next(
            q["sql"]
            for q in queries
            if q["sql"].startswith('SELECT "bibliography_paper"."id"') and "LIMIT 50" in q["sql"]
        )
        assert not sorts(page), (order, page)
