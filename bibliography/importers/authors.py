"""Who a record's people are, and their authorships of the papers the records landed on.

The rule, in one place (`authors_of`): a person is the author with their ORCID; else the author
with their OpenAlex id; else the oldest author of their name, unless both have an ORCID and the
two differ: a namesake with another ORCID is another person. A person no author is becomes a new
author, with the name parts and ids the file gave; an author found by name or OpenAlex id learns
the ids it lacked.
"""

from django.db.models import Q

from bibliography import text
from bibliography.formats.records import PaperRecord, Person
from bibliography.models import Author, Authorship, Paper, credit

from .copy import allocate_ids, copy_from_file
from .results import Landed

_AUTHOR_FIELDS = ["id", "name", "name_key", "family", "given", "particle", "suffix", "literal", "orcid", "openalex_id"]


def person_key(person: Person) -> str:
    """Who a record's person is: their ORCID, else their OpenAlex id, else their name."""
    if person.orcid:
        return f"orcid:{person.orcid}"
    if person.openalex_id:
        return f"openalex:{person.openalex_id}"
    return f"name:{text.name_key(person.name)}"


def authors_of(people: list[Person], file_name: str) -> dict[str, Author]:
    """The author of each person, by `person_key`, by the rule of this module; new ones written,
    found ones given the ids the people add. A few queries whatever the number of people."""
    by_key: dict[str, Person] = {}
    for person in people:
        by_key.setdefault(person_key(person), person)
    orcids = {p.orcid for p in by_key.values() if p.orcid}
    openalex_ids = {p.openalex_id for p in by_key.values() if p.openalex_id}
    names = {text.name_key(p.name) for p in by_key.values()}
    known = Author.objects.filter(Q(orcid__in=orcids) | Q(openalex_id__in=openalex_ids) | Q(name_key__in=names))
    by_orcid, by_openalex, by_name = {}, {}, {}
    for author in known.order_by("id").defer("search_vector"):
        by_orcid.setdefault(author.orcid, author)
        by_openalex.setdefault(author.openalex_id, author)
        by_name.setdefault(author.name_key, []).append(author)
    found: dict[str, Author] = {}
    completed, missing = [], []
    for key, person in by_key.items():
        author = by_orcid.get(person.orcid) if person.orcid else None
        author = author or (by_openalex.get(person.openalex_id) if person.openalex_id else None)
        if author is None:
            author = next(
                (a for a in by_name.get(text.name_key(person.name), []) if not (a.orcid and person.orcid)), None
            )  # the same name with another ORCID is another person
        if author is None:
            author = Author(name=person.name, literal=bool(person.parts and person.parts.literal))
            author.settle_parts(person.parts if person.parts and not person.parts.literal else None)
            missing.append(author)
            by_name.setdefault(author.name_key, []).append(author)
        if (person.orcid and not author.orcid) or (person.openalex_id and not author.openalex_id):
            author.orcid = author.orcid or person.orcid
            author.openalex_id = author.openalex_id or person.openalex_id
            by_orcid.setdefault(author.orcid, author)
            by_openalex.setdefault(author.openalex_id, author)
            if author.pk is not None:
                completed.append(author)
        found[key] = author
    for author, pk in zip(missing, allocate_ids(Author, len(missing)), strict=True):
        author.pk = author.id = pk
    copy_from_file(file_name, None, _AUTHOR_FIELDS, missing, [0] * len(missing))
    Author.objects.bulk_update(completed, ["orcid", "openalex_id"])
    return found


def authorships_add(landed: list[Landed], file_name: str) -> set[int]:
    """The authors of papers that have none yet, in the order of the first record that lists them;
    the ids of the papers given authors."""
    wanted = [(paper, record.authors) for record, paper, _ in landed if record.authors]
    if not wanted:
        return set()
    with_authors = set(
        Authorship.objects.filter(paper_id__in={p.pk for p, _ in wanted}).values_list("paper_id", flat=True)
    )
    todo: dict[int, tuple[PaperRecord, Paper]] = {}
    for record, paper, _ in landed:
        if record.authors and paper.pk not in with_authors and paper.pk not in todo:
            todo[paper.pk] = (record, paper)
    if not todo:
        return set()
    authors = authors_of([person for record, _ in todo.values() for person in record.authors], file_name)
    rows, lines = [], []
    truncated = []
    for paper_id, (record, paper) in todo.items():
        seen: set[tuple[int, str]] = set()  # a person is listed once in each role (author and editor)
        for person in record.authors:
            author = authors[person_key(person)]
            if (author.pk, person.role) not in seen:
                seen.add((author.pk, person.role))
                credited = credit(person.name, person.parts, author)
                rows.append((paper_id, author.pk, len(seen), person.role, credited))
                lines.append(record.line)
        if record.authors_truncated and not paper.authors_truncated and paper.pk is not None:
            truncated.append(paper_id)
    copy_from_file(file_name, Authorship, ["paper", "author", "position", "role", "credited"], rows, lines)
    Paper.objects.filter(pk__in=truncated).update(authors_truncated=True)
    return set(todo)
