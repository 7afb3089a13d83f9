"""A script keeps a copy of the library in step by asking only for what changed (`since=`), as Zotero's
clients do: versions, the deletions feed, conditional writes and idempotent creates."""

import random

import pytest
from django.db import connection, transaction

from bibliography import syncing
from bibliography.models import (
    Author,
    Citation,
    KeyPoint,
    Keyword,
    Paper,
    PaperConcept,
    PaperKeyword,
    PaperLink,
    PaperVersion,
)
from tests.factories import make_author, make_authorship, make_concept, make_paper, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["few changes", "many changes"])
def either_way(request, monkeypatch):
    """since= read both ways: the changes from their indexes, or the papers tested one by one."""
    if request.param == "many changes":
        monkeypatch.setattr(syncing, "FEW_CHANGES", 0)


def _pages(client, url: str, params: dict) -> tuple[list[dict], int]:
    """Every paper a list gives, following its `next` links, and the first page's library version."""
    first = client.get(url, params)
    assert first.status_code == 200, first.content
    version, body = int(first["Last-Modified-Version"]), first.json()
    papers = body["results"]
    while body["next"]:
        body = client.get(body["next"]).json()
        papers += body["results"]
    return papers, version


def _deleted(client, since: int) -> list[dict]:
    body = client.get("/api/deleted/", {"since": since}).json()
    gone = body["papers"]
    while body["next"]:
        body = client.get(body["next"]).json()
        gone += body["papers"]
    return gone


def copy_library(client) -> tuple[dict[int, dict], int]:
    papers, version = _pages(client, "/api/papers/", {"page_size": 200})
    return {paper["id"]: paper for paper in papers}, version


def sync(client, copy: dict[int, dict], since: int) -> tuple[int, int]:
    """The copy brought up to date; the version to ask with next, and how many papers came."""
    changed, version = _pages(client, "/api/papers/", {"since": since, "page_size": 200})
    for paper in changed:
        copy[paper["id"]] = paper
    for gone in _deleted(client, since):
        copy.pop(gone["id"], None)
    return version, len(changed)


class Library:
    """Writes of every kind a lab makes, through the API, chosen at random (seeded)."""

    def __init__(self, client, seed: int):
        self.client, self.rng = client, random.Random(seed)
        self.venues = [make_venue(f"Venue {n}") for n in range(5)]
        self.concepts = [make_concept(f"Concept {n}", slug=f"concept-{n}") for n in range(5)]

    def papers(self) -> list[int]:
        return list(Paper.objects.values_list("id", flat=True))

    def write(self) -> None:
        kind = self.rng.choice(
            ["create", "create", "edit", "authors", "tag", "cite", "rename_author", "rename_venue",
             "rename_concept", "merge", "delete"]
        )  # fmt: skip
        papers, n = self.papers(), self.rng.randrange(10**6)
        pick = self.rng.choice(papers) if papers else None
        if kind == "create" or pick is None:
            body = {
                "title": f"Paper {n}",
                "venue": self.rng.choice(self.venues).pk,
                "authors": [{"name": f"P {n % 40}"}],
            }
            assert self.client.post("/api/papers/", body, format="json").status_code == 201
        elif kind == "edit":
            assert (
                self.client.patch(f"/api/papers/{pick}/", {"abstract": f"Edited {n}"}, format="json").status_code == 200
            )
        elif kind == "authors":
            people = [{"name": f"P {(n + k) % 40}"} for k in range(self.rng.randrange(1, 4))]
            assert self.client.patch(f"/api/papers/{pick}/", {"authors": people}, format="json").status_code == 200
        elif kind == "tag":
            concept = self.rng.choice(self.concepts)
            response = self.client.post(f"/api/papers/{pick}/concepts/", {"concept": concept.slug}, format="json")
            assert response.status_code == 201
        elif kind == "cite" and len(papers) > 1:
            cited = self.rng.choice([p for p in papers if p != pick])
            self.client.post("/api/citations/", {"citing": pick, "cited": cited, "status": "accepted"}, format="json")
        elif kind == "rename_author" and (author := Author.objects.filter(authorships__isnull=False).first()):
            self.client.patch(f"/api/authors/{author.pk}/", {"name": f"Renamed {n}"}, format="json")
        elif kind == "rename_venue":
            venue = self.rng.choice(self.venues)
            assert (
                self.client.patch(f"/api/venues/{venue.pk}/", {"name": f"Venue {n}"}, format="json").status_code == 200
            )
        elif kind == "rename_concept":
            concept = self.rng.choice(self.concepts)
            assert (
                self.client.patch(
                    f"/api/concepts/{concept.pk and concept.slug}/", {"name": f"Concept {n}"}, format="json"
                ).status_code
                == 200
            )
            concept.refresh_from_db()
        elif kind == "merge" and len(papers) > 2:
            other = self.rng.choice([p for p in papers if p != pick])
            response = self.client.post(f"/api/papers/{pick}/merge/", {"others": [other]}, format="json")
            assert response.status_code == 200, response.content
        elif kind == "delete":
            assert self.client.delete(f"/api/papers/{pick}/").status_code == 204


@pytest.mark.slow
@pytest.mark.django_db(
    transaction=True, serialized_rollback=True
)  # each write commits, as in use: versions are transactions
def test_a_copy_kept_by_since_equals_the_library_after_500_writes_of_every_kind(curator, anon, either_way):
    library = Library(curator, seed=31)
    for n in range(40):
        paper = make_paper(title=f"Seed {n}", venue=library.venues[n % 5])
        make_authorship(paper, make_author(f"Seed author {n}"))
    copy, version = copy_library(anon)
    assert len(copy) == 40

    for round_ in range(5):
        for _ in range(100):
            library.write()
        version, _ = sync(anon, copy, version)
        server, _ = copy_library(anon)
        assert copy == server, f"round {round_}: the copy differs from the library"

    version, came = sync(anon, copy, version)
    assert came == 0 and copy == copy_library(anon)[0]  # nothing changed: nothing comes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_only_what_changed_comes(curator, anon, either_way):
    papers = [make_paper(title=f"Still {n}") for n in range(20)]
    copy, version = copy_library(anon)
    for paper in papers[:3]:
        assert curator.patch(f"/api/papers/{paper.pk}/", {"abstract": "New"}, format="json").status_code == 200

    changed, _ = _pages(anon, "/api/papers/", {"since": version})

    assert sorted(p["id"] for p in changed) == sorted(p.pk for p in papers[:3])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_to_a_row_a_document_shows_is_a_change_of_the_paper(curator, anon, either_way):
    paper, other = make_paper(title="Shown"), make_paper(title="Untouched")
    author = make_author("Shown Author")
    make_authorship(paper, author)
    _, version = copy_library(anon)

    assert curator.patch(f"/api/authors/{author.pk}/", {"name": "Renamed Author"}, format="json").status_code == 200

    changed, _ = _pages(anon, "/api/papers/", {"since": version})
    assert [p["id"] for p in changed] == [paper.pk] and changed[0]["authors"][0]["name"] == "Renamed Author"
    assert other.pk not in [p["id"] for p in changed]


def test_the_deletions_feed_names_what_a_merge_took_away_and_where_it_went(curator, anon):
    keep, gone, deleted = make_paper(title="Kept"), make_paper(title="Merged away"), make_paper(title="Deleted")
    _, version = copy_library(anon)
    assert curator.post(f"/api/papers/{keep.pk}/merge/", {"others": [gone.pk]}, format="json").status_code == 200
    assert curator.delete(f"/api/papers/{deleted.pk}/").status_code == 204

    feed = {row["id"]: row["merged_into"] for row in _deleted(anon, version)}

    assert feed == {gone.pk: keep.pk, deleted.pk: None}
    assert anon.get("/api/deleted/").status_code == 400  # since is what it is for
    assert anon.get("/api/deleted/", {"since": "-1"}).status_code == 400


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_conditional_on_a_version_is_refused_once_the_paper_changed(curator):
    paper = make_paper(title="Versioned")
    version = curator.get(f"/api/papers/{paper.pk}/").json()["version"]
    assert curator.patch(f"/api/papers/{paper.pk}/", {"title": "Changed elsewhere"}, format="json").status_code == 200

    stale = curator.patch(
        f"/api/papers/{paper.pk}/", {"title": "Mine"}, format="json", HTTP_IF_UNMODIFIED_SINCE_VERSION=str(version)
    )
    current = curator.get(f"/api/papers/{paper.pk}/").json()["version"]
    fresh = curator.patch(
        f"/api/papers/{paper.pk}/", {"title": "Mine"}, format="json", HTTP_IF_UNMODIFIED_SINCE_VERSION=str(current)
    )

    assert stale.status_code == 412 and fresh.status_code == 200
    assert current > version


@pytest.mark.parametrize("sent", ["", " ", "v3", "-1", "1" * 19, "³"])
def test_a_malformed_version_is_a_400_whatever_else_the_write_says(curator, sent):
    paper = make_paper(title="Versioned")
    for extra in ({}, {"HTTP_IF_MATCH": 'W/"stale"'}):
        response = curator.patch(
            f"/api/papers/{paper.pk}/", {"title": "Mine"}, format="json", HTTP_IF_UNMODIFIED_SINCE_VERSION=sent, **extra
        )
        assert response.status_code == 400 and response.json()["parameter"] == "If-Unmodified-Since-Version"
    paper.refresh_from_db()
    assert paper.title == "Versioned"


def test_a_record_without_versions_refuses_a_version_precondition_rather_than_ignore_it(curator):
    tag = curator.post("/api/tags/", {"paper": make_paper().pk, "concept": make_concept().slug}, format="json").json()
    response = curator.patch(
        f"/api/tags/{tag['id']}/", {"status": "accepted"}, format="json", HTTP_IF_UNMODIFIED_SINCE_VERSION="0"
    )
    assert response.status_code == 400 and response.json()["parameter"] == "If-Unmodified-Since-Version"
    assert curator.get(f"/api/tags/{tag['id']}/").json()["status"] == "suggested"


def test_a_create_retried_with_its_idempotency_key_makes_one_record(curator):
    body = {"title": "Sent twice", "authors": [{"name": "Ada Lovelace"}]}
    first = curator.post("/api/papers/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = curator.post("/api/papers/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = curator.post("/api/papers/", {"title": "Another"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    without = curator.post("/api/papers/", body, format="json")

    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert without.status_code == 201 and Paper.objects.filter(title="Sent twice").count() == 2


def _row_written_by(paper: Paper) -> int:
    """The transaction that last wrote the paper's own row (its xmin)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text::bigint FROM bibliography_paper WHERE id = %s", [paper.pk])
        return cursor.fetchone()[0]


def _shown_row_added(kind: str, paper: Paper, other: Paper) -> None:
    """One write, committed on its own, of a row the paper's document shows."""
    if kind == "authorship":
        make_authorship(paper, make_author("Added Later"), position=2)
    elif kind == "tag":
        PaperConcept.objects.create(paper=paper, concept=make_concept("Added later"), status="accepted")
    elif kind == "keyword":
        PaperKeyword.objects.create(paper=paper, keyword=Keyword.objects.create(name="added later"))
    elif kind == "link":
        PaperLink.objects.create(paper=paper, url="https://example.org/added-later")
    elif kind == "key point":
        KeyPoint.objects.create(paper=paper, number=1, text="Added later")
    elif kind == "citing":
        Citation.objects.create(citing=paper, cited=other, status="suggested")
    elif kind == "cited":
        Citation.objects.create(citing=other, cited=paper, status="suggested")
    elif kind == "venue renamed":
        paper.venue.name = "Renamed Venue"
        paper.venue.save()
    elif kind == "author renamed":
        Author.objects.filter(authorships__paper=paper).update(name="Renamed Author")


SHOWN = ["authorship", "tag", "keyword", "link", "key point", "citing", "cited", "venue renamed", "author renamed"]


@pytest.mark.parametrize("kind", SHOWN)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_row_a_document_shows_changes_the_papers_version_without_rewriting_the_paper(anon, kind, either_way):
    # a rewrite of the paper's row writes every index of the paper table: 60 times the cost of the row
    paper, other = make_paper(title="Shown later", venue=make_venue("A Venue")), make_paper(title="Other")
    make_authorship(paper, make_author("First Author"))
    _, version = copy_library(anon)
    written = _row_written_by(paper)

    _shown_row_added(kind, paper, other)

    changed, _ = _pages(anon, "/api/papers/", {"since": version})
    both_show_it = kind in ("citing", "cited")
    assert sorted(p["id"] for p in changed) == sorted([paper.pk, other.pk] if both_show_it else [paper.pk])
    assert _row_written_by(paper) == written
    assert anon.get(f"/api/papers/{paper.pk}/").json()["version"] >= version


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_paper_whose_rows_moved_its_version_is_deleted_with_them(curator, anon):
    with transaction.atomic():  # each paper written with its authorship, as an import writes it
        touched, untouched = make_paper(title="Tagged later"), make_paper(title="Never touched after")
        for paper in (touched, untouched):
            make_authorship(paper, make_author(f"Author of {paper.title}"))
    PaperConcept.objects.create(paper=touched, concept=make_concept("Later"), status="accepted")
    assert set(PaperVersion.objects.values_list("paper_id", flat=True)) == {touched.pk}

    for paper in (touched, untouched):  # the second's authorship, deleted first, moves its version
        assert curator.delete(f"/api/papers/{paper.pk}/").status_code == 204

    assert not PaperVersion.objects.exists() and not Paper.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_conditional_on_a_version_is_refused_once_a_row_the_paper_shows_changed(curator):
    paper = make_paper(title="Theirs")
    version = curator.get(f"/api/papers/{paper.pk}/").json()["version"]
    PaperConcept.objects.create(paper=paper, concept=make_concept("Added meanwhile"), status="accepted")

    response = curator.patch(
        f"/api/papers/{paper.pk}/", {"title": "Mine"}, format="json", HTTP_IF_UNMODIFIED_SINCE_VERSION=str(version)
    )

    assert response.status_code == 412 and Paper.objects.get(pk=paper.pk).title == "Theirs"
