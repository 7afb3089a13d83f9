"""Hostile or broken requests get a 4xx that says what is wrong, never a 500, and change nothing."""

import base64

import pytest

from bibliography.models import Paper
from tests.factories import make_concept, make_paper

pytestmark = pytest.mark.django_db

PAPER_FILTERS = [
    "author", "venue", "kind", "year", "year_min", "year_max", "published_after", "published_before", "concept",
    "include_descendants", "tag_status", "needs_review", "has_abstract", "cites", "cited_by", "created_since",
    "updated_since", "search", "similar_to", "ordering", "group_by", "fields", "page_size", "cursor", "format",
    "keyword", "item_type",
]  # fmt: skip

HOSTILE = [
    "' OR 1=1 --",
    "1; DROP TABLE bibliography_paper",
    '"); SELECT pg_sleep(10); --',
    "\x00",
    "a\x00b",
    "%00",
    "99999999999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "ö" * 5000,
    "\\",
    "'",
    "*",
    "!!!",
    "&&&",
    "(",
    ":*",
    " ",
    "\t",
    "³",
    "id:³",
    "0173-10-14T19:28:08.259-17:48",  # an offset Python reads and PostgreSQL does not
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
]


@pytest.mark.parametrize("name", PAPER_FILTERS)
def test_hostile_values_in_any_filter_are_answered_not_crashed_on(anon, name):
    make_paper(title="Survivor")
    make_concept(slug="scaling")
    for value in HOSTILE:
        response = anon.get("/api/papers/", {name: value})
        assert response.status_code in (200, 400), (name, value, response.status_code, response.content[:300])
        if response.status_code == 400:
            assert response["Content-Type"].startswith("application/json"), (name, value)
    assert Paper.objects.filter(title="Survivor").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/papers/99999999999999999999999/",
        "/api/papers/doi:%00/",
        "/api/papers/arxiv:'%20OR%201=1/",
        "/api/concepts/99999999999999999999999/",
        "/api/concepts/%00/",
        "/api/concepts/a%00b/ancestors/",
        "/api/concepts/%C2%B3/",
        "/api/papers/%C2%B3/",
        "/api/papers/%C2%B3/?fields=title",
        "/api/papers/%C2%B3/bibtex/",
        "/api/papers/%C2%B3/citations/",
        "/api/authors/%C2%B3/",
        "/api/concepts/id:%C2%B3/",
        "/api/tags/?concept=%C2%B3",
        "/api/papers/?author=%C2%B3",
        "/api/papers/?venue=%C2%B3",
        "/api/authors/99999999999999999999999/",
        "/api/tags/?paper=99999999999999999999999",
        "/api/citations/?citing=abc",
        "/api/keypoints/?paper=-1",
        "/api/autocomplete/papers/?q=%00",
        "/api/autocomplete/authors/?q=" + "x" * 10000,
    ],
)
def test_hostile_paths_are_answered_not_crashed_on(anon, path):
    response = anon.get(path)
    assert response.status_code in (200, 400, 404), (path, response.status_code, response.content[:300])


def cursor(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


CURSORS = [
    "not-a-cursor", cursor(b"p=foo"), cursor(b"p=99999999999999999999999999"), cursor(b"o=-5&p=1"),
    cursor(b"r=1&p=\x00"), cursor(b"o=99999999999999&r=1"), cursor(b"p=nan"), cursor(b"p=2024-13-45"), "%00", "=" * 100,
]  # fmt: skip
ORDERINGS = [None, "title", "-date", "cited_by_count", "-relevance", "created"]


def papers_page(client, cursor_value: str, ordering: str | None):
    params = {"cursor": cursor_value, **({"ordering": ordering} if ordering else {})}
    if ordering == "-relevance":
        params["search"] = "paper"
    return client.get("/api/papers/", params)


@pytest.mark.parametrize("cursor_value", CURSORS)
@pytest.mark.parametrize("ordering", ORDERINGS)
def test_any_cursor_gets_a_page_or_a_400(anon, cursor_value, ordering):
    for n in range(3):
        make_paper(title=f"Paper {n}")
    response = papers_page(anon, cursor_value, ordering)
    assert response.status_code in (200, 400), (cursor_value, ordering, response.status_code, response.content[:300])
    if response.status_code == 400:
        assert response.json()["parameter"] == "cursor"


@pytest.mark.parametrize(
    ("cursor_value", "ordering"),
    [
        ("not-a-cursor", None),
        (cursor(b"p=foo"), None),  # a position that is no id
        (cursor(b"p=99999999999999999999999999"), None),  # nor a 64-bit one
        (cursor(b"p=foo"), "-relevance"),
        (cursor(b"p=nan"), "-relevance"),
        (cursor(b"p=2024-13-45"), "-date"),
        (cursor(b"p=yesterday"), "created"),
        (cursor(b"p=1.5"), "cited_by_count"),
        (cursor(b"r=1&p=\x00"), "title"),
        (cursor(b"o=-5&p=1"), None),
    ],
)
def test_malformed_cursors_are_a_400(anon, cursor_value, ordering):
    make_paper(title="Paper")
    response = papers_page(anon, cursor_value, ordering)
    assert response.status_code == 400, (cursor_value, ordering, response.status_code, response.content[:300])
    assert response.json()["parameter"] == "cursor"


def test_an_oversized_body_is_refused_before_it_is_read(curator):
    body = '{"title": "' + "x" * (3 * 1024 * 1024) + '"}'
    response = curator.post("/api/papers/", body, content_type="application/json")
    assert response.status_code == 413 and "body" in response.json()["detail"]
    assert not Paper.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,
        '{"title": ' * 50_000,
        '{"title": "\\ud800"}',
        '{"title": "ok", "authors": "not a list"}',
        '{"title": "ok", "year": "nineteen"}',
        '{"title": "ok", "year": 99999999999999999999}',
        '{"title": "ok", "venue": 99999999999999999999}',
        '{"title": "ok", "published_on": "2024-02-30"}',
        '{"title": "a\\u0000b"}',
        "null",
        '"a string"',
        "",
        "{",
    ],
)
def test_malformed_or_wrongly_typed_bodies_are_a_400(curator, body):
    response = curator.post("/api/papers/", body, content_type="application/json")
    assert response.status_code == 400, (body[:40], response.status_code, response.content[:300])
    assert not Paper.objects.exists()


@pytest.mark.parametrize("blank", [" ", "\t", "  \n "])
def test_a_blank_search_lists_papers_unranked(anon, blank):
    older, newer = make_paper(title="Older"), make_paper(title="Newer")
    response = anon.get("/api/papers/", {"search": blank})
    assert response.status_code == 200, response.content[:300]
    assert [p["id"] for p in response.json()["results"]] == [newer.pk, older.pk]
    assert anon.get("/api/papers/", {"search": blank, "fields": "id,title"}).status_code == 200


def test_search_snippets_escape_the_abstract_and_keep_only_their_highlights(anon):
    make_paper(
        title="Hostile",
        abstract='Diffusion <img src=x onerror=alert(1)> models & "friends" <script>alert(2)</script> diffusion.',
    )
    for params in ({"search": "diffusion"}, {"search": "diffusion", "fields": "id,snippet"}):
        (result,) = anon.get("/api/papers/", params).json()["results"]
        snippet = result["snippet"]
        assert "<img" not in snippet and "<script" not in snippet
        assert "&lt;img src=x onerror=alert(1)&gt;" in snippet
        assert "&amp;" in snippet
        assert snippet.count("<mark>") == snippet.count("</mark>") >= 1
        assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


@pytest.mark.parametrize("value", ["maybe", "2", "truee", "on"])
@pytest.mark.parametrize("name", ["needs_review", "has_abstract", "include_descendants"])
def test_a_boolean_that_is_neither_is_a_400_naming_it(anon, name, value):
    make_concept(slug="c")
    response = anon.get("/api/papers/", {name: value, "concept": "c"})
    assert response.status_code == 400, response.content
    assert name in response.json()["detail"] and "true or false" in response.json()["detail"]


@pytest.mark.parametrize(
    ("value", "flagged"), [("1", True), ("yes", True), ("TRUE", True), ("0", False), ("no", False)]
)
def test_booleans_are_true_false_1_0_yes_no(anon, value, flagged):
    make_paper(title="Flagged", needs_review=True, review_reason="check")
    make_paper(title="Fine")
    titles = [p["title"] for p in anon.get("/api/papers/", {"needs_review": value}).json()["results"]]
    assert titles == (["Flagged"] if flagged else ["Fine"])


@pytest.mark.parametrize("path", ["/api/papers/?year=2020&year=2021", "/api/concepts/?kind=topic&kind=category"])
def test_a_parameter_given_twice_is_a_400(anon, path):
    response = anon.get(path)
    assert response.status_code == 400 and "given 2 times" in response.json()["detail"]


@pytest.mark.parametrize(
    "path", ["/api/concepts/?ordering=bogus", "/api/tags/?group_by=bogus", "/api/authors/?ordering=x"]
)
def test_parameters_a_resource_does_not_have_are_a_400(anon, path):
    response = anon.get(path)
    assert response.status_code == 400, response.content
    assert path.split("?")[1].split("=")[0] in response.json()["detail"]


def test_an_exact_title_is_found_even_when_its_words_read_as_search_syntax(anon):
    make_paper(title="CS229 - Machine Learning")
    make_paper(title="Machine learning for all", abstract="Learning machines, CS229 style.")
    results = anon.get("/api/papers/", {"search": "CS229 - Machine Learning"}).json()["results"]
    assert results[0]["title"] == "CS229 - Machine Learning"


@pytest.mark.parametrize("path", ["/api/nothing/", "/api/papers/1/nothing/", "/api/v2/papers"])
def test_paths_under_the_api_that_name_nothing_answer_json(anon, path):
    response = anon.get(path)
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert "no such resource" in response.json()["detail"]


def test_an_arxiv_id_with_its_version_finds_the_paper(anon):
    paper = make_paper(title="Versioned", arxiv_id="2401.01234")
    response = anon.get("/api/papers/arxiv:2401.01234v2/")
    assert response.status_code == 200 and response.json()["id"] == paper.pk


def test_a_renamed_concepts_old_slug_names_it_wherever_a_slug_is_taken(anon, curator):
    concept = make_concept("Scaling", slug="scaling")
    paper = make_paper(title="Tagged")
    assert curator.post(f"/api/papers/{paper.pk}/concepts/", {"concept": "scaling"}, format="json").status_code == 201
    assert curator.patch("/api/concepts/scaling/", {"name": "Scaling laws"}, format="json").status_code == 200
    concept.refresh_from_db()
    assert concept.slug != "scaling"

    by_filter = anon.get("/api/papers/", {"concept": "scaling"})
    tags = anon.get("/api/tags/", {"concept": "scaling"})
    child = curator.post(
        "/api/concepts/", {"name": "Chinchilla", "slug": "chinchilla", "parents": ["scaling"]}, format="json"
    )

    assert [p["id"] for p in by_filter.json()["results"]] == [paper.pk]
    assert [t["paper"] for t in tags.json()["results"]] == [paper.pk]
    assert child.status_code == 201 and child.json()["parents"] == [concept.slug]
    assert anon.get("/api/tags/", {"concept": "never-was"}).json()["results"] == []


@pytest.mark.parametrize("ordering", ["--title", "---date", "-", "--"])
def test_an_ordering_with_more_than_one_minus_is_refused(anon, ordering):
    response = anon.get("/api/papers/", {"ordering": ordering})
    assert response.status_code == 400 and response.json()["parameter"] == "ordering"


@pytest.mark.parametrize("q", ["a", "]", "%", " "])
def test_autocomplete_of_an_unknown_kind_is_a_404_whatever_was_typed(anon, q):
    assert anon.get("/api/autocomplete/0/", {"q": q}).status_code == 404


@pytest.mark.parametrize("score", [False, True, "0.5", None, [0.5]])
def test_a_number_is_a_json_number(curator, score):
    paper = make_paper(title="Scored")
    concept = make_concept("Scored concept")
    response = curator.post("/api/tags/", {"paper": paper.pk, "concept": concept.slug, "score": score}, format="json")
    if score is None:
        assert response.status_code == 201 and response.json()["score"] is None
    else:
        assert response.status_code == 400 and "score" in response.json()["errors"], response.content


def test_a_moment_is_read_in_utc_whatever_its_offset(anon):
    paper = make_paper(title="Created now")
    found = anon.get("/api/papers/", {"created_since": "2000-01-01T00:00:00-17:48"})
    assert found.status_code == 200 and [row["id"] for row in found.json()["results"]] == [paper.pk]
    later = anon.get("/api/papers/", {"updated_since": "9000-01-01T00:00:00+23:59"})
    assert later.status_code == 200 and later.json()["results"] == []
    before_year_one = anon.get("/api/papers/", {"created_since": "0001-01-01T00:00:00+05:00"})
    assert before_year_one.status_code == 400 and "created_since" in before_year_one.json()["detail"]


def test_a_slug_is_text_not_a_number_that_reads_as_one(curator):
    make_concept("Zero", slug="0")
    paper = make_paper(title="Tagged")
    tag = curator.post("/api/tags/", {"paper": paper.pk, "concept": 0}, format="json")
    point = curator.post(
        "/api/keypoints/", {"paper": paper.pk, "number": 1, "text": "A point.", "concepts": [0]}, format="json"
    )
    assert tag.status_code == 400 and "concept" in tag.json()["errors"]
    assert point.status_code == 400 and "concepts" in point.json()["errors"]
    assert curator.post("/api/tags/", {"paper": paper.pk, "concept": "0"}, format="json").status_code == 201
