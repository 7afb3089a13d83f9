"""One search for papers (bibliography/searching.py): the API, the admin and the export command find
the same papers, by words, word prefixes, exact titles, identifiers as pasted and authors' names."""

import io
import json

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from bibliography import searching
from bibliography.models import Paper
from tests.factories import make_author, make_authorship, make_paper
from tests.plans import node_types

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_engine")]

CHANGELIST = "/admin/bibliography/paper/"


@pytest.fixture
def library():
    stories = make_paper(
        title="TinyStories: How Small Can Language Models Be and Still Speak Coherent English?",
        abstract="Language models struggle to produce coherent text at small sizes.",
        doi="10.48550/arxiv.2305.07759",
        arxiv_id="2305.07759",
        citation_key="eldan2023tinystories",
    )
    make_authorship(stories, make_author("Ronen Eldan"))
    scaling = make_paper(title="Scaling Laws for Neural Language Models", abstract="Loss scales as a power law.")
    make_authorship(scaling, make_author("Jared Kaplan"))
    other = make_paper(title="Storage systems for stories", abstract="Disks and the stories they hold.")
    return {"stories": stories, "scaling": scaling, "other": other}


def api_ids(search: str, **params) -> list[int]:
    body = APIClient().get("/api/papers/", {"search": search, **params}).json()
    return [paper["id"] for paper in body["results"]]


def admin_ids(client, search: str) -> list[int]:
    user = User.objects.create_user(f"cur{User.objects.count()}", password="unused", is_staff=True)
    user.groups.add(Group.objects.get(name="curator"))
    client.force_login(user)
    return [paper.pk for paper in client.get(CHANGELIST, {"q": search}).context["cl"].result_list]


def exported_keys(search: str) -> set[str]:
    out = io.StringIO()
    call_command("export_bibliography", "--format", "csljson", "--output", "-", "--search", search, stdout=out)
    return {item["id"] for item in json.loads(out.getvalue())}


@pytest.mark.parametrize(
    "pasted",
    [
        "https://doi.org/10.48550/arXiv.2305.07759",
        "10.48550/ARXIV.2305.07759",
        "doi:10.48550/arxiv.2305.07759",
        "arXiv:2305.07759v2",
        "https://arxiv.org/abs/2305.07759v1",
        "2305.07759",
        "eldan2023tinystories",
    ],
)
def test_an_identifier_as_pasted_finds_its_paper_first(library, client, pasted):
    stories = library["stories"].pk
    assert api_ids(pasted)[:1] == [stories]
    assert admin_ids(client, pasted)[:1] == [stories]


def test_the_last_word_is_also_a_prefix_as_one_types(library, client):
    assert api_ids("tinystor") == [library["stories"].pk]
    assert admin_ids(client, "tinystor") == [library["stories"].pk]
    assert set(api_ids("language mod")) == {library["stories"].pk, library["scaling"].pk}
    # an excluded word, or one after "or", is a word, not a prefix
    assert set(api_ids("language -scal")) == {library["stories"].pk, library["scaling"].pk}
    assert api_ids("language -scaling") == [library["stories"].pk]
    assert api_ids("kaplan or tinystor") == [library["scaling"].pk]  # by its author; no word "tinystor"


def test_authors_are_searched_by_name_and_by_part(library, client):
    assert api_ids("Kaplan") == [library["scaling"].pk]
    assert admin_ids(client, "Jared Kaplan") == [library["scaling"].pk]
    assert api_ids("eldan") == [library["stories"].pk]


def test_the_api_the_admin_and_the_export_find_the_same_papers(library, client):
    for search in ("stories", "language models", "Kaplan", "tinystor", '"power law"', "2305.07759"):
        found = set(api_ids(search, page_size=200))
        assert found == set(admin_ids(client, search)), search
        assert found, search
        assert exported_keys(search) == {paper.export_key for paper in Paper.objects.filter(pk__in=found)}, search


def test_a_searched_admin_list_is_ranked_by_relevance(library, client):
    # the exact title first, then titles with the words, then the abstract that has them
    ranked = admin_ids(client, "Scaling Laws for Neural Language Models")
    assert ranked[0] == library["scaling"].pk
    assert admin_ids(client, "stories")[0] in {library["other"].pk, library["stories"].pk}


def test_an_admin_search_with_more_matches_than_are_ranked_lists_them_all_newest_first(library, client, monkeypatch):
    monkeypatch.setattr(searching, "RANK_WINDOW", 1)  # PostgreSQL's ranked window
    monkeypatch.setattr(searching, "INDEX_WINDOW", 1)  # the search index's best
    found = admin_ids(client, "language")
    assert found == sorted(found, reverse=True) and len(found) == 2


def test_full_text_vectors_are_kept_in_the_row(library):
    # a migration that re-creates the column (a changed generated expression) would lose this
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'bibliography_paper'::regclass "
            "AND attname = 'search_vector'"
        )
        assert cursor.fetchone()[0] == "m"  # MAIN: compressed in the row; no TOAST lookup per vector tested


def test_the_rank_window_holds_the_newest_matches_however_they_are_spread(monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(searching, "RANK_WINDOW", 2)
    Paper.objects.bulk_create([Paper(title=f"Filler {n}", title_key=f"filler {n}") for n in range(100)])
    clustered = [make_paper(title=f"Protein folding {n}").pk for n in range(10)]  # all among the oldest
    Paper.objects.bulk_create([Paper(title=f"Later {n}", title_key=f"later {n}") for n in range(300)])
    found, search = searching.found(Paper.objects.all(), "protein")
    with CaptureQueriesContext(connection) as queries:
        # the count as the list view gives it (no ANALYZE here: its statistics would outlive the test)
        window = searching.rank_window(found, search, expected=10)
    assert window == sorted(clustered, reverse=True)[:2]
    slices = [q for q in queries.captured_queries if '"id" + 0' in q["sql"]]
    assert len(slices) >= 2  # the first slice, sized from the estimate, held none of them: it was widened


def test_a_word_that_finds_enough_papers_is_not_read_as_a_prefix(monkeypatch):
    monkeypatch.setattr(searching, "PREFIX_BELOW", 3)
    learning = [make_paper(title=f"Learning to rank {n}").pk for n in range(3)]
    learner = make_paper(title="The learner's view").pk
    assert set(api_ids("learn")) == set(learning)  # as typed, the word finds enough: no prefix
    assert set(api_ids("lear")) == {*learning, learner}  # finds nothing as typed: read as a prefix


def test_an_authors_name_and_words_of_the_title_find_the_paper(library, client):
    """ "Kaplan scaling" as people type it: the name is in no paper's text and no author's name has
    "scaling", yet it means one paper."""
    assert api_ids("Kaplan scaling") == [library["scaling"].pk]
    assert admin_ids(client, "eldan coherent english") == [library["stories"].pk]
    assert api_ids("Ronen Eldan language") == [library["stories"].pk]
    # the name must be the paper's author's
    assert api_ids("Kaplan coherent") == []
    assert api_ids("Eldan neural") == []
    assert exported_keys("Kaplan scaling") == {library["scaling"].export_key}


def test_whether_a_few_papers_match_is_asked_of_the_indexes_not_of_every_row(library, monkeypatch, search_engine):
    """Whether to read the last word as a prefix asks if fewer than PREFIX_BELOW papers match. A
    plan that walks the table and tests each row until it meets that many read all of a million
    papers for a word few have (1 s); the indexes' bitmap answers it in milliseconds."""
    monkeypatch.setattr(searching, "COMMON_SHARE", float("inf"))  # no word is common, whatever the stale statistics say
    plans = []

    def explained(execute, sql, params, many, context):
        if sql.startswith("SELECT COUNT(*)") and "search_vector" in sql and "LIMIT" in sql:
            context["cursor"].execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plans.append(context["cursor"].fetchone()[0][0]["Plan"])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(explained):
        searching.found(Paper.objects.all(), "coherent")
    if search_engine == "index":  # the search index counts the matches: the database is not asked
        assert plans == []
        return
    assert plans
    for plan in plans:
        assert "Bitmap Heap Scan" in node_types(plan)
        assert not {"Seq Scan", "Index Scan", "Index Scan Backward"} & node_types(plan)
