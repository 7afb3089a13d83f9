"""Reading papers: shapes, lookups, filters, search, ordering, facets, pagination and errors."""

import html
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.ordering import ORDERINGS
from bibliography.models import Citation, Concept, Paper, PaperAlias, PaperConcept
from tests.factories import make_author, make_authorship, make_concept, make_paper
from tests.plans import sorts

pytestmark = pytest.mark.django_db

TALK = "Workshop Mathematical and Empirical Understanding of Foundation Models (ME-FoMo)"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def all_pages(client, url: str, **params) -> list[dict]:
    rows, response = [], client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        if not body["next"]:
            return rows
        response = client.get(body["next"])


def test_a_paper_in_a_list(anon, seed):
    talk = Paper.objects.get(kind="talk")
    row = next(r for r in all_pages(anon, "/api/papers/", page_size=200) if r["id"] == talk.pk)
    assert row["title"] == TALK and row["kind"] == "talk" and row["year"] == 2023
    assert row["venue"]["short_name"] == "ME-FoMo"
    assert [a["name"] for a in row["authors"]][:2] == ["Ananya Kumar", "Tengyu Ma"]
    assert len(row["concepts"]) == 31 and {"slug", "score", "status"} <= set(row["concepts"][0])
    assert row["cited_by_count"] == 0 and row["needs_review"] is False


def test_untitled_papers_carry_a_provisional_label(anon, seed):
    rows = all_pages(anon, "/api/papers/", needs_review="true")
    assert len(rows) == 10
    assert all(r["title"].startswith("[untitled] ") and r["title_is_provisional"] for r in rows)


def test_detail_adds_references_key_points_suggestions_and_provenance(anon, seed):
    talk = Paper.objects.get(kind="talk")
    other = make_paper(title="Cited work")
    Citation.objects.create(citing=talk, cited=other, status="accepted", context="As shown in Cited work.")
    PaperConcept.objects.create(paper=talk, concept=make_concept(slug="extra"), status="suggested", score=0.3)
    body = anon.get(f"/api/papers/{talk.pk}/").json()
    assert body["references"][0]["paper"]["title"] == "Cited work"
    assert len(body["key_points"]) == 30 and body["key_points"][0]["number"] == 1
    assert [t["slug"] for t in body["suggested_tags"]] == ["extra"]
    assert body["provenance"][0]["file_name"] == "000_e093ce741ddf4b84.txt"


def test_lookups_by_doi_and_arxiv_id(anon):
    paper = make_paper(doi="10.1000/abc/def.1", arxiv_id="2401.01234")
    assert anon.get("/api/papers/doi:10.1000/abc/def.1/").json()["id"] == paper.pk
    assert anon.get("/api/papers/doi:10.1000/ABC/def.1/").json()["id"] == paper.pk
    assert anon.get("/api/papers/arxiv:2401.01234/").json()["id"] == paper.pk
    assert anon.get("/api/papers/arxiv:9999.99999/").status_code == 404


def test_a_merged_papers_old_id_redirects_to_the_survivor(anon):
    survivor = make_paper()
    PaperAlias.objects.create(old_id=999999, paper=survivor)
    response = anon.get("/api/papers/999999/")
    assert response.status_code == 301 and response["Location"].endswith(f"/api/papers/{survivor.pk}/")
    assert anon.get("/api/papers/999998/").status_code == 404


def test_batch_returns_papers_in_request_order_with_nulls(anon):
    a, b = make_paper(), make_paper()
    body = anon.post("/api/papers/batch/", {"ids": [b.pk, 123456789, a.pk]}, format="json").json()
    assert [r and r["id"] for r in body["results"]] == [b.pk, None, a.pk]
    too_many = anon.post("/api/papers/batch/", {"ids": list(range(1, 502))}, format="json")
    assert too_many.status_code == 400 and "ids" in too_many.json()["detail"]


def test_batch_names_papers_as_scripts_do_and_follows_merges(anon):
    from bibliography.merging import paper_merge
    from bibliography.models import CitationKeyAlias

    a = make_paper(title="A", doi="10.1000/a", arxiv_id="2401.01234", citation_key="smith2024a")
    b, gone = make_paper(title="B", citation_key="jones2020b"), make_paper(title="Gone")
    paper_merge(into=b, others=[gone])
    CitationKeyAlias.objects.create(key="oldkey2019", paper=b)
    asked = [
        "doi:https://doi.org/10.1000/A", "arxiv:2401.01234v3", "key:smith2024a", str(b.pk), gone.pk,
        "key:oldkey2019", "doi:10.1000/none", "key:nobody",
    ]  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        body = anon.post("/api/papers/batch/", {"ids": asked}, format="json").json()
    assert [r and r["id"] for r in body["results"]] == [a.pk, a.pk, a.pk, b.pk, b.pk, b.pk, None, None]
    assert len(queries) <= 12
    bad = anon.post("/api/papers/batch/", {"ids": ["isbn:123", {"id": 1}]}, format="json")
    assert bad.status_code == 400 and "is not a paper id" in bad.json()["detail"]


def test_field_selection(anon, seed):
    row = anon.get("/api/papers/", {"fields": "id,title", "page_size": 1}).json()["results"][0]
    assert set(row) == {"id", "title"}
    bad = anon.get("/api/papers/", {"fields": "id,titel"})
    assert bad.status_code == 400 and "titel" in bad.json()["detail"]


class TestFilters:
    def test_author_by_id_and_by_name(self, anon, seed):
        talk = Paper.objects.get(kind="talk")
        author = talk.authorships.get(position=1).author
        assert ids(anon.get("/api/papers/", {"author": author.pk})) == [talk.pk]
        assert ids(anon.get("/api/papers/", {"author": "ananya KUMAR"})) == [talk.pk]

    def test_venue_by_id_name_and_short_name(self, anon, seed):
        talk = Paper.objects.get(kind="talk")
        assert ids(anon.get("/api/papers/", {"venue": "me-fomo"})) == [talk.pk]
        assert ids(anon.get("/api/papers/", {"venue": talk.venue_id})) == [talk.pk]
        assert all_pages(anon, "/api/papers/", venue="Trending Papers", page_size=200) == []  # a listing is no venue

    def test_kind_year_and_ranges(self, anon, seed):
        make_paper(title="Old", year=1999)
        assert len(ids(anon.get("/api/papers/", {"kind": "talk"}))) == 1
        assert len(ids(anon.get("/api/papers/", {"year": 2023}))) == 1
        assert len(ids(anon.get("/api/papers/", {"year_min": 2000}))) == 1
        assert len(ids(anon.get("/api/papers/", {"year_max": 2000}))) == 1
        import datetime

        dated = make_paper(title="Dated", published_on=datetime.date(2024, 5, 1))
        assert ids(anon.get("/api/papers/", {"published_after": "2024-01-01"})) == [dated.pk]
        assert ids(anon.get("/api/papers/", {"published_before": "2024-01-01"})) == []

    def test_concept_includes_descendants_unless_told_not_to(self, anon, seed):
        talk = Paper.objects.get(kind="talk")
        assert ids(anon.get("/api/papers/", {"concept": "scaling"})) == [talk.pk]
        scaling = Concept.objects.get(slug="scaling")
        assert ids(anon.get("/api/papers/", {"concept": f"id:{scaling.pk}"})) == [talk.pk]
        assert ids(anon.get("/api/papers/", {"concept": "scaling", "include_descendants": "false"})) == []
        missing = anon.get("/api/papers/", {"concept": "no-such-concept"})
        assert missing.status_code == 400 and missing.json()["parameter"] == "concept"

    def test_tag_status(self, anon):
        paper, concept = make_paper(), make_concept(slug="topic-x")
        PaperConcept.objects.create(paper=paper, concept=concept, status="suggested")
        assert ids(anon.get("/api/papers/", {"tag_status": "suggested"})) == [paper.pk]
        assert ids(anon.get("/api/papers/", {"concept": "topic-x"})) == []
        assert ids(anon.get("/api/papers/", {"concept": "topic-x", "tag_status": "suggested"})) == [paper.pk]

    def test_needs_review_and_has_abstract(self, anon, seed):
        assert len(all_pages(anon, "/api/papers/", needs_review="true")) == 10
        assert ids(anon.get("/api/papers/", {"has_abstract": "false"})) == [Paper.objects.get(kind="talk").pk]

    def test_cites_and_cited_by(self, anon):
        a, b, c = make_paper(), make_paper(), make_paper()
        Citation.objects.create(citing=a, cited=b, status="accepted")
        Citation.objects.create(citing=c, cited=b, status="suggested")
        assert ids(anon.get("/api/papers/", {"cites": b.pk})) == [a.pk]
        assert ids(anon.get("/api/papers/", {"cited_by": a.pk})) == [b.pk]

    def test_created_and_updated_since(self, anon):
        before = make_paper()
        from django.utils import timezone

        moment = timezone.now()
        after = make_paper()
        assert ids(anon.get("/api/papers/", {"created_since": moment.isoformat()})) == [after.pk]
        Paper.objects.filter(pk=before.pk).update(updated_at=timezone.now())
        assert set(ids(anon.get("/api/papers/", {"updated_since": moment.isoformat()}))) == {before.pk, after.pk}


class TestSearch:
    def test_an_exact_title_comes_first(self, anon, seed):
        title = "Scaling Data-Constrained Language Models"
        if not Paper.objects.filter(title=title).exists():
            title = Paper.objects.filter(venue=None, title__icontains="scaling").first().title
        rows = anon.get("/api/papers/", {"search": title}).json()["results"]
        assert rows[0]["title"] == title
        assert rows[0]["relevance"] >= rows[-1]["relevance"]

    def test_title_words_rank_above_abstract_words(self, anon):
        in_abstract = make_paper(title="Unrelated heading", abstract="We discuss zebrafish at length.")
        in_title = make_paper(title="Zebrafish development", abstract="A study.")
        assert ids(anon.get("/api/papers/", {"search": "zebrafish"})) == [in_title.pk, in_abstract.pk]

    def test_results_carry_a_highlighted_snippet(self, anon, seed):
        row = anon.get("/api/papers/", {"search": "induction head", "fields": "id,snippet"}).json()["results"][0]
        assert "<mark>" in row["snippet"]
        abstract = Paper.objects.get(pk=row["id"]).abstract
        passages = html.unescape(row["snippet"].replace("<mark>", "").replace("</mark>", "")).split(" ... ")
        assert all(passage in abstract for passage in passages)

    def test_a_page_without_snippets_reads_no_abstract(self, anon, seed):
        with CaptureQueriesContext(connection) as queries:
            rows = anon.get("/api/papers/", {"search": "induction head", "fields": "id,relevance"}).json()["results"]
        assert rows and all(set(row) == {"id", "relevance"} for row in rows)
        assert not any('"abstract"' in query["sql"] for query in queries.captured_queries)

    def test_websearch_syntax(self, anon):
        a = make_paper(title="Diffusion models for images")
        b = make_paper(title="Diffusion models for text")
        assert ids(anon.get("/api/papers/", {"search": "diffusion -images"})) == [b.pk]
        assert set(ids(anon.get("/api/papers/", {"search": '"diffusion models"'}))) == {a.pk, b.pk}

    def test_ranking_covers_the_newest_matches_and_the_exact_title_counts_and_orders_cover_all(
        self, anon, monkeypatch, tmp_path
    ):
        monkeypatch.setattr("bibliography.searching.RANK_WINDOW", 3)
        exact = make_paper(title="Zebrafish", abstract="The oldest.")
        older = [make_paper(title=f"Zebrafish study {n}") for n in range(3)]
        newest = [make_paper(title=f"On zebrafish {n}", abstract="zebrafish zebrafish") for n in range(3)]
        make_paper(title="Unrelated")

        ranked = ids(anon.get("/api/papers/", {"search": "zebrafish"}))
        assert ranked[0] == exact.pk and set(ranked) == {exact.pk} | {p.pk for p in newest}
        every = {exact.pk} | {p.pk for p in older + newest}
        assert set(ids(anon.get("/api/papers/", {"search": "zebrafish", "ordering": "-created"}))) == every
        facets = anon.get("/api/papers/", {"search": "zebrafish", "group_by": "kind"}).json()
        assert facets["groups"] == [{"key": "article", "count": 7}]
        out = tmp_path / "z.json"
        call_command("export_bibliography", "--format", "csljson", "--output", str(out), "--search", "zebrafish")
        assert len(json.loads(out.read_text())) == 7

    def test_similar_titles(self, anon):
        target = make_paper(title="Attention Is All You Need")
        make_paper(title="Completely different")
        assert ids(anon.get("/api/papers/", {"similar_to": "attention is all we need"})) == [target.pk]


class TestOrderingAndPagination:
    def test_orderings(self, anon):
        a = make_paper(title="B title")
        b = make_paper(title="A title")
        b.cited_by_count = 0
        Citation.objects.create(citing=a, cited=b, status="accepted")
        assert ids(anon.get("/api/papers/", {"ordering": "title"})) == [b.pk, a.pk]
        assert ids(anon.get("/api/papers/", {"ordering": "-cited_by_count"}))[0] == b.pk
        bad = anon.get("/api/papers/", {"ordering": "colour"})
        assert bad.status_code == 400 and bad.json()["parameter"] == "ordering"
        assert anon.get("/api/papers/", {"ordering": "relevance"}).status_code == 400

    def test_every_ordering_reads_a_page_in_index_order(self, anon):
        """At a million papers ordering=date sorted the table for each page (1.3-2.1 s): every ordering
        the API offers, either way, must have an index that gives its pages in order. With sorting
        priced out, a plan that still sorts has no such index."""
        make_paper(title="A paper")
        for name in [name for name in ORDERINGS if name != "relevance"]:
            for ordering in (name, f"-{name}"):
                with CaptureQueriesContext(connection) as queries:
                    assert anon.get("/api/papers/", {"ordering": ordering}).status_code == 200
                page = next(q["sql"] for q in queries if "ORDER BY" in q["sql"] and '"bibliography_paper"' in q["sql"])
                assert not sorts(page), (ordering, page)

    def test_cursor_pages_are_stable_while_papers_are_added(self, anon):
        first = [make_paper(title=f"Paper {i}") for i in range(5)]
        page1 = anon.get("/api/papers/", {"page_size": 2}).json()
        for i in range(3):
            make_paper(title=f"Newer {i}")
        rest = []
        response = anon.get(page1["next"])
        while True:
            body = response.json()
            rest += [r["id"] for r in body["results"]]
            if not body["next"]:
                break
            response = anon.get(body["next"])
        seen = [r["id"] for r in page1["results"]] + rest
        assert seen == sorted((p.pk for p in first), reverse=True)

    def test_page_size_is_bounded_and_checked(self, anon):
        Paper.objects.bulk_create([Paper(title=f"Bulk {n}", title_key=f"bulk {n}") for n in range(205)])
        assert len(ids(anon.get("/api/papers/", {"page_size": 200}))) == 200
        for wrong in ["1000", str(10**30), "0", "-5", "lots", "1e3"]:
            response = anon.get("/api/papers/", {"page_size": wrong})
            assert response.status_code == 400 and response.json()["parameter"] == "page_size", wrong
        bad_cursor = anon.get("/api/papers/", {"cursor": "not-a-cursor"})
        assert bad_cursor.status_code == 400 and bad_cursor.json()["parameter"] == "cursor"

    def test_list_queries_do_not_grow_with_the_page_size(self, anon):
        concept = make_concept()
        for _ in range(30):
            paper = make_paper()
            make_authorship(paper, make_author())
            PaperConcept.objects.create(paper=paper, concept=concept, status="accepted")

        def count(size, **params):
            with CaptureQueriesContext(connection) as ctx:
                assert anon.get("/api/papers/", {"page_size": size, **params}).status_code == 200
            return len(ctx.captured_queries)

        count(1)  # prepares the document statement on this connection
        # the library version; the planner's estimate of the total and (being small) its exact count; the
        # page's ids; its documents
        assert count(2) == count(30) == 5
        for _ in range(30):
            make_paper(title="", needs_review=True, review_reason="no title")
        reviewing = {"needs_review": "true"}
        assert count(2, **reviewing) == count(30, **reviewing) == 6  # and the labels of untitled papers
        assert count(2, concept=concept.slug) == count(30, concept=concept.slug) == 6  # and the concept
        count(1, search="things")  # prepares the ranked documents' statement on this connection
        # the library version, the papers of authors so named, whether the words find enough as typed
        # (else the last is a prefix: the id range, the estimate, then the indexes' bitmap, its settings
        # made and reset), the count of every match (estimate, exact), the exact title, the id range,
        # the window of matches, the page, its documents
        assert count(2, search="things") == count(30, search="things") == 14
        assert count(2, fields="id,authors,concepts") == count(30, fields="id,authors,concepts")


class TestFacets:
    def test_group_by_counts_every_key_for_the_current_filters(self, anon, seed):
        venues = anon.get("/api/papers/", {"group_by": "venue"}).json()["groups"]
        assert {g["name"]: g["count"] for g in venues} == {
            None: 183,
            "ICLR 2023 - Workshop Mathematical and Empirical Understanding of Foundation Models (ME-FoMo)": 1,
        }
        kinds = anon.get("/api/papers/", {"group_by": "kind", "needs_review": "false"}).json()["groups"]
        assert kinds == [{"key": "article", "count": 173}, {"key": "talk", "count": 1}]
        concepts = anon.get("/api/papers/", {"group_by": "concept"}).json()["groups"]
        assert len(concepts) == 31
        authors = anon.get("/api/papers/", {"group_by": "author"}).json()["groups"]
        assert len(authors) == 9
        assert anon.get("/api/papers/", {"group_by": "colour"}).status_code == 400


class TestErrors:
    def test_unknown_filter_suggests_the_closest(self, anon):
        body = anon.get("/api/papers/", {"autor": "x"}).json()
        assert body == {
            "type": "about:blank",
            "title": "Bad Request",
            "status": 400,
            "detail": 'unknown filter "autor"; did you mean "author"?',
            "parameter": "autor",
        }

    def test_bad_values_are_400_naming_the_parameter(self, anon):
        body = anon.get("/api/papers/", {"year": "last"}).json()
        assert "year" in body["detail"]

    def test_injection_strings_are_harmless(self, anon):
        make_paper(title="Robert'); DROP TABLE bibliography_paper;--")
        for value in ["'; DROP TABLE x;--", "a & | ! ( ) : *", "\\", "<script>"]:
            assert anon.get("/api/papers/", {"search": value}).status_code == 200
        assert Paper.objects.count() == 1


def test_autocomplete_prefix_then_trigram(anon, seed):
    rows = anon.get("/api/autocomplete/papers/", {"q": "diffusion"}).json()["results"]
    assert 0 < len(rows) <= 10 and rows[0]["label"].lower().startswith("diffusion")
    authors = anon.get("/api/autocomplete/authors/", {"q": "perc"}).json()["results"]
    assert authors[0]["label"] == "Percy Liang"
    concepts = anon.get("/api/autocomplete/concepts/", {"q": "scal"}).json()["results"]
    assert concepts[0]["slug"] == "scaling"
    assert anon.get("/api/autocomplete/venues/", {"q": "x"}).status_code == 404
    assert anon.get("/api/autocomplete/papers/", {"q": ""}).status_code == 400


def test_schema_and_docs_are_served(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/papers/" in schema.json()["paths"]
    docs = anon.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content


def test_the_schema_is_valid_openapi_without_warnings():
    import io

    from django.core.management import call_command

    # --fail-on-warn exits non-zero on any warning or validation error, failing this test
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stderr=io.StringIO())
