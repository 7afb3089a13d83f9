"""What the format tests share: the seeded bibliography, exports, an emptied database, and the reading of
a format's table of cases (a snippet or a real file, and what its records must say)."""

import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from bibliography.exporting import export_chunks
from bibliography.formats.errors import DumpError
from bibliography.formats.reader import DumpReader
from bibliography.formats.records import Person
from bibliography.formats.registry import EXPORT_FORMATS, FORMATS
from bibliography.models import Paper
from tests.dumps import DUMPS

REAL = Path(__file__).resolve().parent.parent / "data" / "real"


@pytest.fixture
def seed(db):
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())


def export(format: str, papers=None) -> str:
    return "".join(export_chunks(papers if papers is not None else Paper.objects.all(), EXPORT_FORMATS[format]))


def wipe_bibliography() -> None:
    """Empty every table of the bibliography app, as a new installation would be."""
    tables = [model._meta.db_table for model in apps.get_app_config("bibliography").get_models()]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred checks must fire before TRUNCATE
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def library_state() -> dict:
    """Everything a round trip must keep, per paper, keyed by what identifies the paper."""
    state = {}
    for paper in Paper.objects.for_listing():
        key = paper.title_key or paper.abstract_key
        assert key not in state
        state[key] = {
            "title": paper.title,
            "abstract": paper.abstract,
            "kind": paper.kind,
            "year": paper.year,
            "published_on": paper.published_on,
            "doi": paper.doi,
            "arxiv_id": paper.arxiv_id,
            "venue": (paper.venue.name, paper.venue.kind) if paper.venue else None,
            "authors": [(a.author.name, a.role) for a in paper.authorships.all()],
            "links": [(link.url, link.kind) for link in sorted(paper.links.all(), key=lambda link: link.id)],
            "concepts": sorted(tag.concept.name for tag in paper.accepted_tags),
            "citation_key": paper.citation_key,
        }
    return state


class Starts(str):
    """An expected text that is the start of the text read (a real file's long abstract)."""

    __hash__ = str.__hash__

    def __eq__(self, other):
        return isinstance(other, str) and other.startswith(self)


class Ends(str):
    """An expected text that is the end of the text read."""

    __hash__ = str.__hash__

    def __eq__(self, other):
        return isinstance(other, str) and other.endswith(self)


def read(format: str, source: str | bytes | Path, tmp_path: Path, file_name: str = "dump.txt"):
    """A format's records (a page's one talk) and the warnings its parser gave, from a snippet written
    to a file, as an import reads it, or from a real file."""
    path = source if isinstance(source, Path) else tmp_path / file_name
    if not isinstance(source, Path):
        path.write_bytes(source if isinstance(source, bytes) else source.encode())
    warnings: list[str] = []
    parsed = FORMATS[format].parse(DumpReader(path), path.name, warnings)
    return ([parsed] if FORMATS[format].one_record else list(parsed)), warnings


def value(record, field: str):
    """A record's field by its dotted path (into the dictionaries of `extra` too); people by their
    names, a graph's concepts by theirs."""
    for part in field.split("."):
        record = record[part] if isinstance(record, dict) else getattr(record, part)
    if isinstance(record, list) and record and isinstance(record[0], Person):
        return [person.name for person in record]
    if field.endswith("graph.concepts"):
        return {concept.name for concept in record.values()}
    return record


def check_case(format: str, source, expected: dict, tmp_path: Path) -> None:
    """One row of a format's table: `error` is what the reading is refused with; otherwise `records`
    lists each record's fields, or `count` is how many there are with `first` and `last` the fields of
    the first and last; `warnings` are the parser's, `problems` what makes records unusable and `unread`
    the values kept as written (FILE:LINE: field: reason); `file` names the snippet's file."""
    file_name = expected.get("file", "dump.txt")
    if "error" in expected:
        with pytest.raises(DumpError, match=expected["error"]):
            read(format, source, tmp_path, file_name)
        return
    records, warnings = read(format, source, tmp_path, file_name)
    if "records" in expected:
        assert len(records) == len(expected["records"])
        for record, fields in zip(records, expected["records"], strict=True):
            assert fields == {field: value(record, field) for field in fields}
    if "count" in expected:
        assert len(records) == expected["count"]
    for position, index in (("first", 0), ("last", -1)):
        if position in expected:
            fields = expected[position]
            assert fields == {field: value(records[index], field) for field in fields}
    if "warnings" in expected:
        assert expected["warnings"] == warnings
    for said in ("problems", "unread"):
        if said in expected:
            assert expected[said] == [str(problem) for record in records for problem in getattr(record, said)]
