"""Who an author is: one rule for every door a person comes in by (an imported file, a proposal from
a scholarly source, a write through the API, the admin's author form), and one way to replace a
paper's people.

The rule: a person is the author with their ORCID; else the author with their OpenAlex id; else the
oldest author of their name. An author whose identifiers contradict the person's (another ORCID,
another OpenAlex id) is another person, however alike the names. A person no author is becomes a
new author; an author found by name or OpenAlex id learns the identifiers it lacked.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter

from django.db import connection
from django.db.models import Q

from bibliography import text
from bibliography.formats.records import Person
from bibliography.models import Author, Authorship, Paper
from bibliography.names import forward


def name_key(person: Person) -> str:
    """The key of the name (as Author.name_key is made): "Frankle, Jonathan" is Jonathan Frankle."""
    return _name_key(person.name, bool(person.parts and person.parts.literal))


# A library names its people again and again, and an import asks for each name's key several times.
@lru_cache(maxsize=65_536)
def _name_key(name: str, literal: bool) -> str:
    return text.name_key(" ".join((name if literal else forward(name)).split()))


def person_key(person: Person) -> str:
    """What tells a person apart before they are matched: their ORCID, else their OpenAlex id, else their name."""
    if person.orcid:
        return f"orcid:{person.orcid}"
    if person.openalex_id:
        return f"openalex:{person.openalex_id}"
    return f"name:{name_key(person)}"


def contradicts(author: Author, person: Person) -> bool:
    """Whether the author's identifiers say they are not this person."""
    return bool(
        (author.orcid and person.orcid and author.orcid != person.orcid)
        or (author.openalex_id and person.openalex_id and author.openalex_id != person.openalex_id)
    )


class Directory:
    """The authors some people may be, read in one query, and the rule that says which each one is;
    it keeps the authors it made (`new`, not saved yet) and those that learnt an identifier (`learnt`)."""

    def __init__(self, people: Iterable[Person]):
        self.new: list[Author] = []
        self.learnt: list[Author] = []
        people = list(people)
        orcids = {p.orcid for p in people if p.orcid}
        openalex_ids = {p.openalex_id for p in people if p.openalex_id}
        names = {name_key(p) for p in people}
        known = Author.objects.filter(Q(orcid__any=orcids) | Q(openalex_id__any=openalex_ids) | Q(name_key__any=names))
        self.by_orcid: dict[str, Author] = {}
        self.by_openalex: dict[str, Author] = {}
        self.by_name: dict[str, list[Author]] = {}
        # put in order here, not by the query (bibliography/importers/matching.py says why)
        for author in sorted(known.order_by().defer("search_vector"), key=attrgetter("pk")):
            self.add(author)

    def add(self, author: Author) -> None:
        """An author the later people may be (one just made, or one that learnt an identifier)."""
        if author.orcid:
            self.by_orcid.setdefault(author.orcid, author)
        if author.openalex_id:
            self.by_openalex.setdefault(author.openalex_id, author)
        namesakes = self.by_name.setdefault(author.name_key, [])
        if author not in namesakes:
            namesakes.append(author)

    def find(self, person: Person) -> Author | None:
        if person.orcid and (author := self.by_orcid.get(person.orcid)):
            return author
        author = self.by_openalex.get(person.openalex_id) if person.openalex_id else None
        if author is not None and not contradicts(author, person):
            return author
        return next((a for a in self.by_name.get(name_key(person), []) if not contradicts(a, person)), None)

    def author_of(self, person: Person) -> Author:
        """The author the person is: one found, given the identifiers the person has and it lacks, or a
        new one."""
        author = self.find(person)
        if author is None:
            author = new_author(person)
            self.new.append(author)
        elif (person.orcid and not author.orcid) or (person.openalex_id and not author.openalex_id):
            author.orcid = author.orcid or person.orcid
            author.openalex_id = author.openalex_id or person.openalex_id
            if author.pk is not None and author not in self.learnt:
                self.learnt.append(author)
        self.add(author)
        return author


def new_author(person: Person) -> Author:
    """An author for a person no author is, with the name's parts as the source gave them."""
    literal = bool(person.parts and person.parts.literal)
    author = Author(
        name=" ".join(person.name.split()),
        literal=literal,
        orcid=person.orcid,
        openalex_id=person.openalex_id,
    )
    author.settle_parts(person.parts if person.parts and not literal else None)
    return author


def authors_for(people: Sequence[Person]) -> list[Author]:
    """The author each person is, by the rule, in order; new ones created, found ones given the
    identifiers they lacked. A few queries, however many people. Writers naming the same new person
    at once make one author: each name and identifier is locked until the transaction ends (in key
    order, so that two writers never wait on each other)."""
    keys = sorted(
        {f"name:{name_key(p)}" for p in people}
        | {f"orcid:{p.orcid}" for p in people if p.orcid}
        | {f"openalex:{p.openalex_id}" for p in people if p.openalex_id}
    )
    if keys:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended('author ' || key, 0)) "
                "FROM unnest(%s::text[]) AS key ORDER BY key",
                [keys],
            )
    directory = Directory(people)
    found = [directory.author_of(person) for person in people]
    Author.objects.bulk_create(directory.new)
    Author.objects.bulk_update(directory.learnt, ["orcid", "openalex_id"])
    return found


@dataclass(frozen=True)
class Contribution:
    """A person's place on a paper: who, in which role, credited by which name (None: their own)."""

    author: Author
    role: str
    credited_as: str | None = None


def authorships_replace(paper: Paper, contributions: Sequence[Contribution]) -> bool:
    """Make these the paper's people, in this order (each author once in each role); whether that
    changed anything (the same people in the same order write nothing)."""
    authorships, seen = [], set()
    for contribution in contributions:
        if (contribution.author.pk, contribution.role) in seen:
            continue
        seen.add((contribution.author.pk, contribution.role))
        authorship = Authorship(paper=paper, author=contribution.author, position=len(seen), role=contribution.role)
        authorship.credit_as(contribution.credited_as)
        authorships.append(authorship)
    if _people_of(paper.authorships.order_by("position")) == _people_of(authorships):
        return False
    paper.authorships.all().delete()
    Authorship.objects.bulk_create(authorships)
    return True


def _people_of(authorships) -> list[tuple]:
    return [(a.author_id, a.role, a.credited) for a in authorships]
