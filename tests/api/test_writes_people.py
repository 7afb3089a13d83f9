"""A paper's people written through the API: ordered authors, roles, credited names, one author for
one new name however many write it at once, and author lists as long as a collaboration's."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from rest_framework.test import APIClient

from api.representation import LISTED_AUTHORS
from api.serializers.paper_fields import MAX_PEOPLE
from bibliography.models import Author, Authorship, Paper
from tests.factories import make_author, make_paper

pytestmark = pytest.mark.django_db


def test_create_a_paper_with_ordered_authors(curator):
    first, second = make_author("Ada Lovelace"), make_author("Alan Turing")
    body = {"title": "On Engines", "doi": "https://doi.org/10.1000/ENG", "authors": [second.pk, first.pk]}
    response = curator.post("/api/papers/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert [a["name"] for a in data["authors"]] == ["Alan Turing", "Ada Lovelace"]
    assert data["doi"] == "10.1000/eng"
    assert Paper.objects.get(pk=data["id"]).title_key == "on engines"


def test_a_papers_people_are_written_with_roles_names_and_credits(curator):
    ada = make_author("Ada Lovelace")
    body = {
        "title": "Sketch of the Analytical Engine",
        "authors": [
            {"name": "Luigi Menabrea"},
            {"id": ada.pk, "role": "translator", "credited_as": "A. A. L."},
            {"name": "  Charles   Babbage ", "role": "editor"},
        ],
    }
    response = curator.post("/api/papers/", body, format="json")
    assert response.status_code == 201, response.content
    assert [(a["name"], a["role"], a["credited_as"]) for a in response.json()["authors"]] == [
        ("Luigi Menabrea", "author", None),
        ("Ada Lovelace", "translator", "A. A. L."),
        ("Charles Babbage", "editor", None),
    ]
    paper = Paper.objects.get(pk=response.json()["id"])
    again = curator.post("/api/papers/", {"title": "Notes", "authors": [{"name": "charles babbage"}]}, format="json")
    assert [a["id"] for a in again.json()["authors"]] == [paper.authorships.get(position=3).author_id]  # the same
    bibtex = curator.get(f"/api/papers/{paper.pk}/?format=bibtex").content.decode()
    assert "translator = {L., A. A.}" in bibtex and "editor = {Babbage, Charles}" in bibtex


@pytest.mark.parametrize(
    "authors, message",
    [
        ([{"id": 999999}], "authors[0]: no author with id 999999"),
        ([{"name": "Y"}, {"name": "X", "role": "ghost"}], "authors[1]: role must be one of"),
        ([{"name": ""}], "authors[0]: a name is text"),
        ([{"role": "editor"}], "authors[0]: give an author's id or a name"),
        ([{"name": "X", "position": 2}], "authors[0]: position is read-only"),
        ([{"name": "X", "affiliation": "Y"}], "authors[0]: unknown field 'affiliation'"),
        ("Ada", "a list of author ids"),
        ([{"id": {"nested": 1}}], "authors[0]: no author with id"),
        (["12"], "authors[0]: no author with id 12"),
        ([{"name": "Ada"}, {"name": "ada"}], "an author appears twice"),
    ],
)
def test_bad_people_are_400s_that_say_which(curator, authors, message):
    response = curator.post("/api/papers/", {"title": "T", "authors": authors}, format="json")
    assert response.status_code == 400, response.content
    assert message in response.json()["detail"]
    assert not Paper.objects.filter(title="T").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writers_naming_the_same_new_person_at_once_make_one_author(curator):
    papers = [make_paper(title=f"Parallel {n}") for n in range(6)]
    token = curator._credentials["HTTP_AUTHORIZATION"]

    def write(paper):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=token)
        try:
            body = {"authors": [{"name": "Grace Brewster Hopper"}, {"name": f"Only on {paper.pk}"}]}
            return client.patch(f"/api/papers/{paper.pk}/", body, format="json").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(write, papers)) == [200] * 6
    assert Author.objects.filter(name="Grace Brewster Hopper").count() == 1
    assert Authorship.objects.filter(author__name="Grace Brewster Hopper").count() == 6


def test_a_paper_takes_a_collaborations_author_list_but_not_an_endless_one(curator):
    paper = make_paper(title="Observation of a new particle")
    people = [{"name": f"Physicist {n} Collaborator"} for n in range(MAX_PEOPLE + 1)]
    too_many = curator.patch(f"/api/papers/{paper.pk}/", {"authors": people}, format="json")
    collaboration = curator.patch(f"/api/papers/{paper.pk}/", {"authors": people[:3000]}, format="json")

    assert too_many.status_code == 400 and "at most 10,000" in too_many.json()["detail"]
    assert collaboration.status_code == 200 and len(collaboration.json()["authors"]) == 3000
    assert Author.objects.filter(name__startswith="Physicist ").count() == 3000


def test_a_list_names_a_papers_first_authors_and_its_row_sent_back_keeps_them_all(anon, curator):
    paper = make_paper(title="A collaboration")
    people = [make_author(f"Member Number{n}") for n in range(LISTED_AUTHORS + 5)]
    Authorship.objects.bulk_create(Authorship(paper=paper, author=a, position=n) for n, a in enumerate(people, 1))

    row = anon.get("/api/papers/").json()["results"][0]
    detail = anon.get(f"/api/papers/{paper.pk}/").json()
    assert (len(row["authors"]), row["author_count"]) == (LISTED_AUTHORS, LISTED_AUTHORS + 5)
    assert row["authors"] == detail["authors"][:LISTED_AUTHORS] and len(detail["authors"]) == detail["author_count"]

    for method in ("put", "patch"):
        sent = getattr(curator, method)(f"/api/papers/{paper.pk}/", row, format="json")
        assert sent.status_code == 200, sent.content
        assert paper.authorships.count() == LISTED_AUTHORS + 5
    edited = curator.patch(
        f"/api/papers/{paper.pk}/",
        {"authors": [a["id"] for a in row["authors"][1:]], "author_count": row["author_count"]},
        format="json",
    )
    assert edited.status_code == 400 and "author_count" in edited.json()["errors"]["authors"][0]
    fewer = curator.patch(f"/api/papers/{paper.pk}/", {"authors": detail["authors"][:3]}, format="json")
    assert fewer.status_code == 200 and paper.authorships.count() == 3
