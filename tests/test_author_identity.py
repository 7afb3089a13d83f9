"""The same person reaches the same author by every door: an imported file, a proposal a curator
accepts, a paper or an author written through the API, the admin's author form (bibliography/authors.py's
one rule)."""

import itertools
import json
import re

import pytest

from bibliography.importers.load import import_file
from bibliography.models import Author, Paper, Proposal
from bibliography.proposing import digest, proposal_accept

ORCID_KNOWN = "0000-0002-1825-0097"
ORCID_OTHER = "0000-0001-5109-3700"
_works = itertools.count(1)


@pytest.fixture
def namesakes(db):
    """Two authors of one name: the oldest with an ORCID, the other with an OpenAlex id only."""
    first = Author.objects.create(name="Jonathan Frankle", orcid=ORCID_KNOWN)
    second = Author.objects.create(name="Jonathan Frankle", openalex_id="A5000000002")
    return {"first": first, "second": second}


def _paper_author(title: str) -> Author:
    return Paper.objects.get(title=title).authorships.get().author


def by_import(tmp_path, client, name, orcid=None, openalex_id=None) -> Author:
    title = f"Door test {next(_works)}"
    author = {"display_name": name}
    if orcid:
        author["orcid"] = f"https://orcid.org/{orcid}"
    if openalex_id:
        author["id"] = f"https://openalex.org/{openalex_id}"
    work = {"id": f"https://openalex.org/W90{next(_works)}", "display_name": title, "authorships": [{"author": author}]}
    path = tmp_path / f"{title}.jsonl"
    path.write_text(json.dumps(work) + "\n")
    assert import_file(path, format="openalex").ok
    return _paper_author(title)


def by_proposal(tmp_path, client, name, orcid=None, openalex_id=None) -> Author:
    paper = Paper.objects.create(title=f"Door test {next(_works)}")
    value = [{"name": name, "orcid": orcid, "openalex_id": openalex_id}]
    proposal = Proposal.objects.create(
        paper=paper, field="authors", value=value, value_digest=digest(value), source="OpenAlex"
    )
    proposal_accept(proposal)
    return _paper_author(paper.title)


def by_api_paper(tmp_path, client, name, orcid=None, openalex_id=None) -> Author:
    title = f"Door test {next(_works)}"
    person = {"name": name, "orcid": orcid, "openalex_id": openalex_id}
    response = client.post("/api/papers/", {"title": title, "authors": [person]}, content_type="application/json")
    assert response.status_code == 201, response.content
    return _paper_author(title)


def by_api_author(tmp_path, client, name, orcid=None, openalex_id=None) -> Author:
    person = {"name": name, "orcid": orcid, "openalex_id": openalex_id}
    response = client.post("/api/authors/", person, content_type="application/json")
    if response.status_code == 201:
        return Author.objects.get(pk=response.json()["id"])
    assert response.status_code == 409, response.content  # the answer names the author the person is
    return Author.objects.get(pk=re.search(r"already author (\d+)", response.json()["detail"])[1])


def by_admin(tmp_path, client, name, orcid=None, openalex_id=None) -> Author:
    before = set(Author.objects.values_list("pk", flat=True))
    form = {"name": name, "orcid": orcid or "", "openalex_id": openalex_id or ""}
    for part in ("given", "particle", "family", "suffix"):
        form[part] = ""
    response = client.post("/admin/bibliography/author/add/", form)
    if response.status_code == 302:  # made: a person the library did not have
        (new,) = set(Author.objects.values_list("pk", flat=True)) - before
        return Author.objects.get(pk=new)
    pointed = re.search(r'href="/admin/bibliography/author/(\d+)/change/">', response.text)
    assert pointed, response.text
    return Author.objects.get(pk=pointed[1])


DOORS = [by_import, by_proposal, by_api_paper, by_api_author, by_admin]
# (who comes in, which author they are: a namesake's fixture name, or None for a new author)
PEOPLE = [
    ({"name": "Jonathan Frankle"}, "first"),  # the oldest namesake
    ({"name": "Jonathan  Frankle"}, "first"),  # as written, spaces and all
    ({"name": "Frankle, Jonathan"}, "first"),  # family first, as BibTeX and RIS write a name
    ({"name": "Jonathan Frankle", "orcid": ORCID_KNOWN}, "first"),
    ({"name": "J. Frankle", "orcid": ORCID_KNOWN}, "first"),  # the ORCID, whatever the name
    ({"name": "Jonathan Frankle", "orcid": ORCID_OTHER}, "second"),  # the first has another ORCID
    ({"name": "Jonathan Frankle", "openalex_id": "A5000000002"}, "second"),
    ({"name": "Jonathan Frankle", "orcid": ORCID_OTHER, "openalex_id": "A5000000003"}, None),  # both contradict
    ({"name": "Ada Lovelace"}, None),
]


@pytest.mark.django_db
@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.__name__)
@pytest.mark.parametrize("person, expected", PEOPLE, ids=[str(p) for p, _ in PEOPLE])
def test_every_door_reaches_the_same_author(door, person, expected, namesakes, tmp_path, admin_client):
    authors_before = Author.objects.count()
    author = door(tmp_path, admin_client, **person)
    if expected is None:
        assert author.pk not in {a.pk for a in namesakes.values()}
        assert Author.objects.count() == authors_before + 1
        assert (author.orcid, author.openalex_id) == (person.get("orcid"), person.get("openalex_id"))
    else:
        assert author == namesakes[expected]
        assert Author.objects.count() == authors_before


@pytest.mark.django_db
def test_an_author_found_by_name_learns_the_identifiers_it_lacked(namesakes, tmp_path, admin_client):
    author = by_import(tmp_path, admin_client, "Jonathan Frankle", openalex_id="A5000000009")
    assert author == namesakes["first"]
    assert Author.objects.get(pk=author.pk).openalex_id == "A5000000009"
