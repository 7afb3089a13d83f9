"""A file's people as authors (by the one rule of bibliography/authors.py), and their authorships of the
papers the records landed on, written by COPY."""

from bibliography.authors import Directory, person_key
from bibliography.formats.records import PaperRecord, Person
from bibliography.models import Author, Authorship, Paper, credit

from .copy import Made, Write, allocate_ids, copy_from_file, copy_write, made
from .results import Landed

_AUTHOR_FIELDS = ["id", "name", "name_key", "family", "given", "particle", "suffix", "literal", "orcid", "openalex_id"]


def authors_of(people: list[Person], file_name: str) -> dict[str, Author]:
    """The author of each person, by `person_key`, by bibliography/authors.py's rule; new ones written
    by COPY, found ones given the ids the people add. A few queries whatever the number of people.
    (No name locks, as the API's writes take: the import lock already keeps imports one at a time.)"""
    by_key: dict[str, Person] = {}
    for person in people:
        by_key.setdefault(person_key(person), person)
    directory = Directory(by_key.values())
    found = {key: directory.author_of(person) for key, person in by_key.items()}
    for author, pk in zip(directory.new, allocate_ids(Author, len(directory.new)), strict=True):
        author.pk = author.id = pk
    copy_from_file(file_name, None, _AUTHOR_FIELDS, directory.new, [0] * len(directory.new))
    Author.objects.bulk_update(directory.learnt, ["orcid", "openalex_id"])
    return found


class NewAuthorships:
    """The authors of papers that have none yet, in the order of the first record that lists them:
    the library read (and new authors written) first, the rows made while the batch's papers are
    written (no query), then written."""

    def __init__(self, landed: list[Landed], file_name: str, stored: set[int]):
        """`stored`: the ids of the papers stored before this batch (the others have no authors yet)."""
        self.file_name = file_name
        self.todo: dict[int, tuple[PaperRecord, Paper]] = {}
        self.rows: list[tuple] = []
        self.lines: list[int] = []
        self.truncated: list[int] = []
        self.text = Made()  # the rows as COPY text, once made
        wanted = {paper.pk for record, paper, _ in landed if record.authors and paper.pk in stored}
        with_authors = set(
            Authorship.objects.filter(paper_id__any=wanted).order_by().values_list("paper_id", flat=True)
            if wanted
            else ()
        )
        for record, paper, _ in landed:
            if record.authors and paper.pk not in with_authors and paper.pk not in self.todo:
                self.todo[paper.pk] = (record, paper)
        people = [person for record, _ in self.todo.values() for person in record.authors]
        self.authors = authors_of(people, file_name) if people else {}

    def make(self) -> None:
        for paper_id, (record, paper) in self.todo.items():
            seen: set[tuple[int, str]] = set()  # a person is listed once in each role (author and editor)
            for person in record.authors:
                author = self.authors[person_key(person)]
                if (author.pk, person.role) not in seen:
                    seen.add((author.pk, person.role))
                    credited = credit(person.name, person.parts, author)
                    self.rows.append((paper_id, author.pk, len(seen), person.role, credited))
                    self.lines.append(record.line)
            if record.authors_truncated and not paper.authors_truncated and paper.pk is not None:
                self.truncated.append(paper_id)
        self.text = made(self.rows)

    def copy(self) -> Write:
        return copy_write(Authorship, ["paper", "author", "position", "role", "credited"], self.text, self.lines)

    def given(self) -> set[int]:
        """The ids of the papers given authors."""
        return set(self.todo)

    def truncated_mark(self) -> None:
        """Stored papers a record says it lists only some of the authors of are marked so."""
        if self.truncated:
            Paper.objects.filter(pk__in=self.truncated).update(authors_truncated=True)

    def people(self) -> dict[int, list[tuple[str, str]]]:
        """The people given to each paper, as (name key, family), in order."""
        authors = {author.pk: author for author in self.authors.values()}
        people: dict[int, list[tuple[str, str]]] = {}
        for paper_id, author_id, *_ in self.rows:
            people.setdefault(paper_id, []).append((authors[author_id].name_key, authors[author_id].family))
        return people
