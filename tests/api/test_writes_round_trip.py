"""Documents read and sent back through the API: PUT replaces, PATCH merges, what was read changes
nothing when sent back, and reading writes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bibliography.citation_keys import keys_assign
from bibliography.models import Authorship, Paper, PaperConcept
from tests.factories import make_author, make_concept, make_paper, make_venue

pytestmark = pytest.mark.django_db


def test_reading_writes_nothing_and_papers_get_their_key_when_made(anon, curator):
    unkeyed = make_paper(title="Made in a shell")  # no creation path gave it a key
    with CaptureQueriesContext(connection) as queries:
        listing = anon.get("/api/papers/?format=bibtex").content.decode()
        single = anon.get(f"/api/papers/{unkeyed.pk}/?format=csljson").json()
    assert not [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert f"@misc{{paper{unkeyed.pk}," in listing and single[0]["id"] == f"paper{unkeyed.pk}"
    unkeyed.refresh_from_db()
    assert unkeyed.citation_key is None

    body = {"title": "Sketch of the Engine", "year": 1843, "authors": [{"name": "Ada Lovelace"}]}
    assert curator.post("/api/papers/", body, format="json").json()["citation_key"] == "lovelace1843sketch"
    curator.patch(f"/api/papers/{unkeyed.pk}/", {"year": 2020}, format="json")
    unkeyed.refresh_from_db()
    assert unkeyed.citation_key == "anon2020made"  # an older paper gets its key with its first write


def test_an_untitled_papers_document_patched_back_keeps_it_untitled(curator, db):
    """A script reads a paper, changes one field and sends the document back: the provisional label
    it was served as the title of an untitled paper is not stored as its title."""
    paper = make_paper(title="", abstract="Quasiparticle interference in layered materials " * 3,
                       needs_review=True, review_reason="no title")  # fmt: skip
    document = curator.get(f"/api/papers/{paper.pk}/").json()
    assert document["title_is_provisional"] and document["title"].startswith("[untitled] Quasiparticle")

    changed = curator.patch(f"/api/papers/{paper.pk}/", {**document, "volume": "12"}, format="json")

    assert changed.status_code == 200, changed.json()
    paper.refresh_from_db()
    assert (paper.title, paper.volume) == ("", "12")
    assert changed.json()["title_is_provisional"] is True
    named = curator.patch(f"/api/papers/{paper.pk}/", {"title": "Quasiparticles"}, format="json")
    assert named.status_code == 200 and Paper.objects.get(pk=paper.pk).title == "Quasiparticles"


def _rich_paper():
    paper = make_paper(title="A {Rich} record", year=2021, venue=make_venue("Journal of Round Trips", kind="journal"))
    paper.issued = {"date-parts": [[2021, 3]]}
    paper.extra = {"note": "kept", "archive": "/z-wcorg/"}
    paper.volume = "12"
    paper.save()
    ada, alan = make_author("Ada Lovelace"), make_author("Alan Turing")
    Authorship.objects.create(paper=paper, author=ada, position=1)
    Authorship.objects.create(paper=paper, author=alan, position=2, role="editor")
    concept = make_concept("Scaling", slug="scaling")
    PaperConcept.objects.create(paper=paper, concept=concept, status="accepted", score=0.5)
    keys_assign([paper])
    return paper


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_document_read_and_sent_back_changes_nothing(curator, method):
    paper = _rich_paper()
    read = curator.get(f"/api/papers/{paper.pk}/")
    versions = paper.history.count()

    sent = getattr(curator, method)(f"/api/papers/{paper.pk}/", read.json(), format="json")

    assert sent.status_code == 200, sent.content
    again = curator.get(f"/api/papers/{paper.pk}/")
    assert again.json() == read.json() and again["ETag"] == read["ETag"] == sent["ETag"]
    assert paper.history.count() == versions


@pytest.mark.parametrize("method", ["put", "patch"])
def test_every_record_read_and_sent_back_is_left_as_it_was(curator, method):
    paper = _rich_paper()
    parent = make_concept("Learning", slug="learning")
    child = curator.post("/api/concepts/", {"name": "Deep", "slug": "deep", "parents": ["learning"]}, format="json")
    other = make_paper(title="Cited")
    created = {
        "notes": curator.post("/api/notes/", {"paper": paper.pk, "text": "Read it."}, format="json"),
        "tags": curator.post("/api/tags/", {"paper": paper.pk, "concept": parent.slug}, format="json"),
        "citations": curator.post("/api/citations/", {"citing": paper.pk, "cited": other.pk}, format="json"),
        "keypoints": curator.post(
            "/api/keypoints/",
            {"paper": paper.pk, "number": 1, "text": "A point.", "concepts": ["learning"]},
            format="json",
        ),
    }
    addresses = [f"/api/{kind}/{response.json()['id']}/" for kind, response in created.items()]
    addresses += [
        f"/api/concepts/{child.json()['slug']}/",
        f"/api/venues/{paper.venue_id}/",
        f"/api/authors/{paper.authorships.first().author_id}/",
    ]
    for address in addresses:
        read = curator.get(address)
        sent = getattr(curator, method)(address, read.json(), format="json", HTTP_IF_MATCH=read["ETag"])
        again = curator.get(address)
        assert sent.status_code == 200, (address, sent.content)
        assert again.json() == read.json() and again["ETag"] == read["ETag"] == sent["ETag"], address


def test_put_replaces_the_record_and_patch_merges(curator):
    paper = _rich_paper()
    patched = curator.patch(f"/api/papers/{paper.pk}/", {"title": "Renamed"}, format="json").json()
    assert patched["abstract"] and len(patched["authors"]) == 2 and patched["venue"]["name"]

    put = curator.put(f"/api/papers/{paper.pk}/", {"title": "Only a title"}, format="json")

    assert put.status_code == 200, put.content
    document = put.json()
    assert (document["title"], document["abstract"], document["authors"], document["venue"]) == (
        "Only a title",
        "",
        [],
        None,
    )
    assert (document["year"], document["issued"], document["extra"], document["volume"]) == (None, None, {}, "")
    assert document["citation_key"] == patched["citation_key"]  # documents cite it: a PUT keeps it
    assert [t["slug"] for t in document["concepts"]] == ["scaling"]  # tags are not the record's fields


def test_put_judges_a_record_by_what_it_replaces_it_with(curator):
    flagged = make_paper(title="Flagged", needs_review=True, review_reason="check the year")
    untitled = make_paper(title="", needs_review=True, review_reason="no title in the listing")

    reason_alone = curator.put(f"/api/papers/{flagged.pk}/", {"title": "T", "review_reason": "why"}, format="json")
    no_title = curator.put(f"/api/papers/{untitled.pk}/", {"abstract": "Only an abstract."}, format="json")

    # a reason without needs_review is cleared, as in a create; PUT leaves needs_review false
    assert reason_alone.status_code == 200, reason_alone.content
    assert (reason_alone.json()["needs_review"], reason_alone.json()["review_reason"]) == (False, "")
    assert no_title.status_code == 400 and "title" in no_title.json()["errors"]


def test_a_field_a_write_does_not_take_is_refused_by_name(curator):
    paper = _rich_paper()
    read = curator.get(f"/api/papers/{paper.pk}/").json()

    unknown = curator.patch(f"/api/papers/{paper.pk}/", {"colour": "red"}, format="json")
    changed = curator.patch(f"/api/papers/{paper.pk}/", {"keywords": ["new"], "title": "T"}, format="json")
    unchanged = curator.patch(f"/api/papers/{paper.pk}/", {"keywords": read["keywords"], "title": "T"}, format="json")
    renamed = curator.patch(
        f"/api/papers/{paper.pk}/", {"authors": [{**read["authors"][0], "name": "Someone Else"}]}, format="json"
    )

    assert unknown.status_code == 400 and "no such field" in unknown.json()["errors"]["colour"][0]
    assert changed.status_code == 400 and "read-only" in changed.json()["errors"]["keywords"][0]
    assert unchanged.status_code == 200 and unchanged.json()["title"] == "T"
    assert renamed.status_code == 400 and "authors[0]: author" in renamed.json()["detail"]
    assert curator.patch("/api/concepts/scaling/", {"paper_count": 7}, format="json").status_code == 400


def test_a_key_follows_the_record_until_a_script_sets_one(curator):
    body = {"title": "Sketch of the Engine", "year": 1843, "authors": [{"name": "Ada Lovelace"}]}
    made = curator.post("/api/papers/", body, format="json").json()
    moved = curator.patch(f"/api/papers/{made['id']}/", {"year": 1842}, format="json").json()
    assert (made["citation_key"], moved["citation_key"]) == ("lovelace1843sketch", "lovelace1842sketch")

    curator.patch(f"/api/papers/{made['id']}/", {"citation_key": "ada-sketch"}, format="json")
    kept = curator.patch(f"/api/papers/{made['id']}/", {"year": 1843, "title": "Notes"}, format="json").json()
    assert kept["citation_key"] == "ada-sketch"
    assert Paper.objects.values_list("citation_key_provisional", flat=True).get(pk=made["id"]) is False
