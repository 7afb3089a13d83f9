"""What scripts written for OpenAlex, Semantic Scholar or Zotero's web API expect of a list: a total,
alternatives and negation in a filter, identifiers and parts of names as filters, their parameter names."""

import re

import pytest
from django.core.cache import cache

from bibliography import searching
from bibliography.models import CitationKeyAlias, PaperConcept
from tests.factories import make_author, make_authorship, make_concept, make_paper

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return sorted(paper["title"] for paper in response.json()["results"])


@pytest.fixture
def library():
    scaling, diffusion = make_concept(slug="scaling"), make_concept(slug="diffusion")
    a = make_paper(title="Alpha", kind="article", year=2023, doi="10.1000/alpha", citation_key="lovelace2023alpha")
    b = make_paper(title="Beta", kind="talk", year=2024)
    c = make_paper(title="Gamma", kind="article", year=2024)
    for paper, concept in ((a, scaling), (b, diffusion), (c, scaling), (c, diffusion)):
        PaperConcept.objects.create(paper=paper, concept=concept, status="accepted")
    make_authorship(a, make_author("Percy Liang"))
    make_authorship(b, make_author("Ada Lovelace"))
    CitationKeyAlias.objects.create(key="old2023key", paper=b)
    return a, b, c


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"concept": "scaling|diffusion"}, ["Alpha", "Beta", "Gamma"]),
        ({"concept": "!diffusion"}, ["Alpha"]),
        ({"concept": "!scaling|diffusion"}, []),
        ({"kind": "talk|article", "year": "2024"}, ["Beta", "Gamma"]),
        ({"kind": "!article"}, ["Beta"]),
        ({"year": "2023|2024", "concept": "!scaling"}, ["Beta"]),
        ({"doi": "https://doi.org/10.1000/ALPHA"}, ["Alpha"]),
        ({"doi": "!10.1000/alpha"}, ["Beta", "Gamma"]),
        ({"key": "lovelace2023alpha|old2023key"}, ["Alpha", "Beta"]),
        ({"author": "liang"}, ["Alpha"]),
        ({"author": "LIANG|lovelace"}, ["Alpha", "Beta"]),
        ({"author": "Percy Liang"}, ["Alpha"]),
        ({"author": "!percy liang"}, ["Beta", "Gamma"]),
    ],
)
def test_filters_take_alternatives_and_negation(anon, library, query, expected):
    assert titles(anon.get("/api/papers/", query)) == expected


@pytest.mark.parametrize(
    ("query", "parameter", "says"),
    [
        ({"concept": "scaling||diffusion"}, "concept", "an empty value between '|'"),
        ({"kind": "article|poem"}, "kind", "kind must be one of"),
        ({"year": "2024|soon"}, "year", "year must be a whole number"),
        ({"doi": "10."}, "doi", "is not a DOI"),
        ({"concept": "|".join(f"c{i}" for i in range(51))}, "concept", "at most 50 alternatives"),
    ],
)
def test_bad_alternatives_are_a_400_naming_the_parameter(anon, library, query, parameter, says):
    response = anon.get("/api/papers/", query)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter and says in response.json()["detail"]


def test_every_list_says_how_many_records_match(anon, library):
    body = anon.get("/api/papers/", {"concept": "scaling", "page_size": 1}).json()
    assert (body["count"], body["count_is_estimate"], len(body["results"])) == (2, False, 1)
    assert anon.get("/api/papers/", {"fields": "id,title"}).json()["count"] == 3
    assert anon.get("/api/concepts/").json()["count"] == 2
    assert anon.get("/api/authors/", {"page_size": 1}).json()["count"] == 2
    assert anon.get("/api/tags/").json()["count"] == 4


def test_a_ranked_search_counts_every_match_not_only_those_it_ranks(anon, monkeypatch):
    for n in range(5):
        make_paper(title=f"Scaling laws {n}", abstract="We study scaling.")
    monkeypatch.setattr(searching, "RANK_WINDOW", 2)
    body = anon.get("/api/papers/", {"search": "scaling", "page_size": 10}).json()
    assert (body["count"], body["count_is_estimate"], len(body["results"])) == (5, False, 2)


def test_above_the_exact_limit_a_count_is_the_planners_estimate_and_says_so(anon, monkeypatch):
    for n in range(4):
        make_paper(title=f"Paper {n}")
    monkeypatch.setattr(searching, "EXACT_COUNT_LIMIT", 2)
    body = anon.get("/api/papers/").json()
    assert body["count_is_estimate"] is True and body["count"] >= 3


@pytest.mark.parametrize(
    ("alias", "ours", "value"),
    [
        ("per_page", "page_size", "1"),
        ("limit", "page_size", "1"),
        ("select", "fields", "id,title"),
        ("q", "search", "Alpha"),
    ],
)
def test_other_apis_parameter_names_are_read_as_ours(anon, library, alias, ours, value):
    assert anon.get("/api/papers/", {alias: value}).json() == anon.get("/api/papers/", {ours: value}).json()


def test_openalex_sort_syntax_orders(anon, library):
    body = anon.get("/api/papers/", {"sort": "title:desc", "select": "title"}).json()
    assert [paper["title"] for paper in body["results"]] == ["Gamma", "Beta", "Alpha"]
    assert anon.get("/api/papers/", {"ordering": "title:sideways"}).status_code == 400


def test_an_alias_and_our_name_together_or_an_alias_a_resource_lacks_is_a_400(anon, library):
    both = anon.get("/api/papers/", {"per_page": 2, "page_size": 3})
    assert (
        both.status_code == 400
        and both.json()["detail"] == "per_page is this API's page_size: give one of them, not both"
    )
    lacking = anon.get("/api/concepts/", {"sort": "name"})
    assert lacking.status_code == 400
    assert lacking.json()["detail"] == "sort (here: ordering) is not a parameter of this resource"


def test_did_you_mean_suggests_only_a_close_name(anon, library):
    assert 'did you mean "author"' in anon.get("/api/papers/", {"autor": "x"}).json()["detail"]
    unrelated = anon.get("/api/papers/", {"from_date": "2020"}).json()["detail"]
    assert "did you mean" not in unrelated and "known parameters:" in unrelated


# what the fuzzer (tests/api/test_schema_fuzz.py, all checks) found, each kept as a plain test ---------


def test_a_record_that_already_exists_is_a_409_not_a_400(curator, library):
    a, _, _ = library
    concept = a.tags.first().concept
    again = curator.post("/api/tags/", {"paper": a.pk, "concept": concept.slug}, format="json")
    assert again.status_code == 409 and "unique" in again.json()["detail"]
    curator.post("/api/venues/", {"name": "ICLR 2024", "kind": "conference"}, format="json")
    twice = curator.post("/api/venues/", {"name": "ICLR 2024", "kind": "conference"}, format="json")
    assert twice.status_code == 409 and "already exists" in twice.json()["detail"]


def test_bodies_are_json_and_text_is_a_string_and_lists_are_lists(curator, library):
    form = curator.post("/api/concepts/", {"slug": "x", "name": "X", "kind": "topic"}, format="multipart")
    assert form.status_code == 415
    number = curator.post(
        "/api/concepts/", {"slug": "x", "name": "X", "kind": "topic", "description": 0}, format="json"
    )
    assert number.status_code == 400 and "description" in number.json()["errors"]
    mapping = curator.post("/api/concepts/", {"slug": "x", "name": "X", "kind": "topic", "parents": {}}, format="json")
    assert mapping.status_code == 400 and "parents" in mapping.json()["errors"]
    unseen = curator.post("/api/papers/", {"title": "T", "needs_review": True, "review_reason": "\x19"}, format="json")
    assert unseen.status_code == 400 and "review_reason" in unseen.json()["errors"]


def test_a_method_a_resource_lacks_is_a_405_whatever_else_the_request_says(anon):
    response = anon.generic("TRACE", "/api/papers/1/?format=bibtex&bogus=1")
    assert response.status_code == 405


def test_filters_by_id_find_nothing_for_an_unknown_id_and_refuse_a_fraction(anon, library):
    assert anon.get("/api/tags/", {"paper": 999999}).json()["results"] == []
    assert anon.get("/api/citations/", {"citing": 0}).status_code == 200
    assert anon.get("/api/papers/", {"year_min": "0.5"}).status_code == 400
    assert anon.get("/api/venues/", {"year": "0.5"}).status_code == 400
    assert anon.get("/api/keypoints/", {"paper": "0.0"}).status_code == 400
    assert anon.get("/api/papers/", {"page_size": ""}).status_code == 200  # empty is the same as absent


def test_import_runs_are_filtered_by_file_format_and_format_stays_the_answers(anon, library):
    assert anon.get("/api/import-runs/", {"file_format": "bibtex"}).json()["results"] == []
    refused = anon.get("/api/import-runs/", {"file_format": "word"})
    assert refused.status_code == 400 and refused.json()["parameter"] == "file_format"
    assert anon.get("/api/import-runs/", {"format": "json"}).status_code == 200


def test_an_action_on_a_paper_named_by_doi_or_arxiv_id_reaches_the_action(curator):
    from tests.factories import make_paper as paper

    survivor = paper(title="Survivor", doi="10.1000/a/b", arxiv_id="2401.01234")
    other = paper(title="Other")
    for name in ("doi:10.1000/a/b", "arxiv:2401.01234"):
        response = curator.post(f"/api/papers/{name}/merge/", {"others": [999999]}, format="json")
        assert response.status_code == 400 and response.json()["parameter"] == "others", name
    merged = curator.post("/api/papers/doi:10.1000/a/b/merge/", {"others": [other.pk]}, format="json")
    assert merged.status_code == 200 and merged.json()["id"] == survivor.pk
    assert curator.get("/api/papers/doi:10.1000/a/b/").json()["id"] == survivor.pk


@pytest.mark.parametrize(
    ("query", "expected"),
    [({"filter": "publication_year:2024"}, {"Beta", "Gamma"}),
     ({"filter": "publication_year:>2023"}, {"Beta", "Gamma"}),
     ({"filter": "publication_year:<2024"}, {"Alpha"}),
     ({"filter": "publication_year:2024,concepts.id:scaling"}, {"Gamma"}),
     ({"filter": "publication_year:2023|2024,kind:!talk"}, {"Alpha", "Gamma"}),
     ({"filter": "title.search:alpha", "mailto": "me@lab.org"}, {"Alpha"}),
     ({"api_key": "k", "select": "id,title"}, {"Alpha", "Beta", "Gamma"})],
)  # fmt: skip
def test_openalex_scripts_filters_and_polite_pool_parameters_work(anon, library, query, expected):
    response = anon.get("/api/papers/", query)
    assert response.status_code == 200, response.content
    assert {p["title"] for p in response.json()["results"]} == expected
    assert response.json()["meta"]["count"] == len(expected)


@pytest.mark.parametrize(
    ("query", "says"),
    [({"filter": "colour:red"}, "'colour' is no filter"), ({"filter": "year"}, "give name:value"),
     ({"filter": "publication_year:2024", "year": "2023"}, "more than once")],
)  # fmt: skip
def test_an_openalex_filter_this_api_cannot_read_is_a_400_naming_it(anon, library, query, says):
    response = anon.get("/api/papers/", query)
    assert (
        response.status_code == 400 and response.json()["parameter"] == "filter" and says in response.json()["detail"]
    )


def test_errors_are_problem_details_and_say_so_to_clients_that_ask(anon):
    plain = anon.get("/api/papers/", {"ordering": "colour"})
    asked = anon.get("/api/papers/", {"ordering": "colour"}, HTTP_ACCEPT="application/json, application/problem+json")
    missing = anon.get("/api/nothing/", HTTP_ACCEPT="application/problem+json")

    assert plain["Content-Type"] == "application/json"
    assert asked["Content-Type"] == "application/problem+json"
    for response, code in ((plain, 400), (asked, 400), (missing, 404)):
        body = response.json()
        assert (body["type"], body["status"], response.status_code) == ("about:blank", code, code)
        assert body["title"] and body["detail"]


def test_clients_with_a_token_are_throttled_too(curator):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import UserRateThrottle

    cache.clear()
    original = UserRateThrottle.THROTTLE_RATES
    UserRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "user": "3/minute"}
    try:
        responses = [curator.get("/api/venues/") for _ in range(5)]
    finally:
        UserRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert [response.status_code for response in responses] == [200, 200, 200, 429, 429]
    # each answer says the quota and what is left of it (draft-ietf-httpapi-ratelimit-headers)
    assert all(r["RateLimit-Policy"] == '"user";q=3;w=60' for r in responses)
    left = [re.fullmatch(r'"user";r=(\d+);t=(\d+)', r["RateLimit"]).groups() for r in responses]
    assert [int(r) for r, _ in left] == [2, 1, 0, 0, 0]
    assert all(0 < int(t) <= 60 for _, t in left)
    assert 0 < int(responses[3]["Retry-After"]) <= 60


@pytest.mark.parametrize("path", ["/api/papers/", "/api/concepts/"])
def test_lists_say_their_count_as_zotero_and_openalex_clients_read_it(anon, library, path):
    response = anon.get(path)
    body = response.json()
    assert int(response["Total-Results"]) == body["count"] == body["meta"]["count"] == len(body["results"])


def test_the_versioned_path_answers_as_the_plain_one_and_links_stay_plain(anon, library):
    plain, pinned = anon.get("/api/papers/"), anon.get("/api/v1/papers/")
    assert pinned.status_code == 200 and pinned.json()["results"] == plain.json()["results"]
    assert pinned.json()["results"][0]["url"].startswith("http://testserver/api/papers/")
    assert anon.get("/api/v1/concepts/scaling/").json()["slug"] == "scaling"
    assert "/api/v1/" not in anon.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()


def test_openalex_paging_starts_at_page_1_or_cursor_star_and_goes_on_by_next_links(anon):
    for n in range(3):
        make_paper(title=f"Paged {n}")
    first = anon.get("/api/papers/", {"per_page": 2}).json()
    assert anon.get("/api/papers/", {"per_page": 2, "page": 1}).json()["results"] == first["results"]
    assert anon.get("/api/papers/", {"per_page": 2, "cursor": "*"}).json()["results"] == first["results"]
    assert "page=" not in first["next"] and "cursor=" in first["next"]
    numbered = anon.get("/api/papers/", {"per_page": 2, "page": 2})
    assert numbered.status_code == 400 and numbered.json()["parameter"] == "page"


def test_zoteros_write_token_makes_a_retried_create_one_record(curator):
    body = {"title": "Sent by a Zotero script"}
    first = curator.post("/api/papers/", body, format="json", HTTP_ZOTERO_WRITE_TOKEN="a" * 32)
    again = curator.post("/api/papers/", body, format="json", HTTP_ZOTERO_WRITE_TOKEN="a" * 32)
    assert first.status_code == again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"


def test_a_not_modified_answer_says_the_quota_too(anon):
    cache.clear()
    first = anon.get("/api/venues/")
    again = anon.get("/api/venues/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["RateLimit-Policy"] == first["RateLimit-Policy"] and re.search(r'"anon";r=\d+', again["RateLimit"])
