"""An import sends each batch's provenance, authorships, links, keywords and title sketches while it
matches the next batch (bibliography/importers/papers.py, `pipelined`): the library it makes is the
one that sending them before would make, row for row, on real files whose records meet across
batches (two entries of one work in one file, a library exported twice, the same file again)."""

import json
import re
import shutil

import pytest
from django.apps import apps
from django.db import transaction

from bibliography.importers import load
from bibliography.importers.load import import_file
from bibliography.importers.papers import PaperLoader
from bibliography.models import Author, Concept, ImportRun, Keyword, Paper, SearchIndexChange, Venue
from tests.formats.conftest import REAL as REAL_DATA

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FILES = [
    "zotero-ris-history-theses.ris",
    "bbt-biblatex-history-theses.bib",  # the same library as BibLaTeX
    "scopus-biodiversity.bib",
    "scopus-biodiversity.ris",
    "openalex-works.jsonl",
    "gscholar-endnote-tagged.enw",
    "dblp-person-withcrossref.bib",
]

# values that differ between two imports of the same files whatever they are: when, and which transaction
_WHEN = {"id", "history_id", "history_date", "created_at", "updated_at", "found_at", "started_at", "finished_at",
         "decided_at", "merged_at", "search_vector", "version"}  # fmt: skip
_RANKED = (Paper, Author, Venue, Keyword, Concept, ImportRun)
_NOT_LIBRARY = {"PaperVersion", "Job", "IdempotentRequest", "Deletion"}


class _Sequential(PaperLoader):
    """The loader as it was: each batch's writes sent before the next batch is read."""

    @property
    def pipelined(self) -> bool:
        return False

    @pipelined.setter
    def pipelined(self, value: bool) -> None:
        pass


def _twice_each(ris: str) -> str:
    """Each entry of a RIS file followed by itself: two entries of one work, in two batches half the time."""
    entries = re.findall(r"TY  - .*?^ER  - *\n", ris, flags=re.S | re.M)
    assert len(entries) > 50
    return "".join(entry + entry for entry in entries)


def _all_titled(ris: str, title: str) -> str:
    """Every entry given one title: works of other authors and years that only their facts tell apart."""
    return re.sub(r"^TI  - .*$", f"TI  - {title}", ris, flags=re.M)


def _library() -> dict[str, list]:
    """Every row of the library, ids given as the rank of the id (both imports make rows in one order)."""
    ranks = {m: {pk: n for n, pk in enumerate(sorted(m.objects.values_list("pk", flat=True)))} for m in _RANKED}
    library = {}
    for model in apps.get_app_config("bibliography").get_models():
        if model.__name__ in _NOT_LIBRARY:
            continue
        fields = [f for f in model._meta.concrete_fields if f.name not in _WHEN]
        rows = [
            tuple(_value(model, f, v, ranks) for f, v in zip(fields, row, strict=True))
            for row in model.objects.order_by().values_list(*[f.attname for f in fields])
        ]
        library[model.__name__] = sorted(rows)
    return library


def _value(model, field, value, ranks) -> str:
    related = Paper if (model is SearchIndexChange and field.name == "paper_id") else field.related_model
    if related in ranks and value is not None:
        return f"{related.__name__}#{ranks[related][value]}"
    return json.dumps(value, sort_keys=True, default=str)


def _imported(paths) -> tuple[list[tuple], dict[str, list]]:
    with transaction.atomic():
        results = [import_file(path) for path in paths]
        said = [(r.error and str(r.error), r.records, r.created, r.updated, r.unchanged, r.proposed,
                 r.duplicates, list(r.warnings), dict(r.also_created)) for r in results]  # fmt: skip
        library = _library()
        transaction.set_rollback(True)
    return said, library


def test_a_library_made_with_the_writes_sent_behind_is_the_one_made_without(tmp_path, monkeypatch):
    paths = []
    for name in FILES:
        shutil.copy(REAL_DATA / name, tmp_path / name)
        paths.append(tmp_path / name)
    theses = (REAL_DATA / FILES[0]).read_text(encoding="utf-8")
    doubled, introductions = tmp_path / "each-twice.ris", tmp_path / "introductions.ris"
    doubled.write_text(_twice_each(theses), encoding="utf-8")
    introductions.write_text(_all_titled(theses, "Introduction"), encoding="utf-8")
    paths += [doubled, introductions, paths[2]]  # and a file imported again
    monkeypatch.setattr(load, "BATCH_SIZE", 3)

    pipelined = _imported(paths)
    monkeypatch.setattr(load, "PaperLoader", _Sequential)
    sequential = _imported(paths)

    assert all(said[0] is None for said in pipelined[0]), pipelined[0]
    assert sum(said[2] for said in pipelined[0]) > 800  # papers made
    assert sum(said[3] + said[4] for said in pipelined[0]) > 400  # records that were papers already
    assert pipelined[0] == sequential[0]
    for table, rows in sequential[1].items():
        assert pipelined[1][table] == rows, table
