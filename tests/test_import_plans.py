"""How an import's queries are planned while it grows the library inside one transaction, where no
autovacuum sees its rows (bibliography/importers/statistics.py)."""

import gc
import re
import shutil
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bibliography import duplicates
from bibliography.importers import batches, load, statistics
from bibliography.importers.load import import_file
from bibliography.models import Paper
from tests.plans import node_types

pytestmark = pytest.mark.django_db

REAL = Path(__file__).parent / "data" / "real"
LIBRARIES = ["zotero-better-bibtex.bib", "scopus-biodiversity.ris", "zotero-csl.json", "wos-savedrecs-plaintext.txt"]

# A lookup of a batch's values: `= ANY(array)` (bibliography/models/lookups.py) or IN (…).
_BATCH_LOOKUP = re.compile(r"= ANY\(|\bIN \(", re.IGNORECASE)


def counted_papers() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'bibliography_paper'::regclass")
        return cursor.fetchone()[0]


def imported(tmp_path: Path, name: str):
    copy = tmp_path / name
    shutil.copy(REAL / name, copy)
    result = import_file(copy)
    assert result.error is None, result.error
    return result


@pytest.mark.parametrize("name", LIBRARIES)
def test_no_lookup_of_a_batch_asks_for_an_order(tmp_path, name):
    """Ordered, a lookup lets the planner walk a whole index in that order and filter every row,
    which it prefers while its statistics still describe the library before the import: a read of
    the table per batch. The loader puts what it reads in order itself."""
    with CaptureQueriesContext(connection) as queries:
        imported(tmp_path, name)
    ordered = [
        q["sql"][:300]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and _BATCH_LOOKUP.search(q["sql"]) and "ORDER BY" in q["sql"]
    ]
    assert ordered == []


def test_a_large_import_tells_the_planner_how_many_papers_it_wrote_before_it_commits(tmp_path, monkeypatch):
    monkeypatch.setattr(statistics, "AT_LEAST", 20)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE bibliography_paper")  # what this test's transaction holds: fewer than 20
    assert counted_papers() < 20
    result = imported(tmp_path, "zotero-better-bibtex.bib")
    assert result.created > 40
    assert counted_papers() == Paper.objects.count()  # counted inside the file's transaction


def test_a_small_import_leaves_the_statistics_to_autovacuum(tmp_path):
    before = counted_papers()
    result = imported(tmp_path, "zotero-csl.json")
    assert 0 < result.created < statistics.AT_LEAST
    assert counted_papers() == before


def test_the_search_for_duplicates_looks_each_paper_up_whatever_the_planner_believes(tmp_path):
    """A planner that believes the paper table empty (it has never been analysed in this test's
    transaction) would join a batch with the whole library, sorted, for every batch; each paper's
    others are looked up by index instead, a cost that does not grow with the library."""
    imported(tmp_path, "zotero-better-bibtex.bib")
    ids = list(Paper.objects.order_by("id").values_list("id", flat=True)[:50])
    for select in (duplicates._SAME_IDENTIFIER, duplicates._SAME_ABSTRACT):
        sql = select.format(older="", agree=duplicates._AGREE)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # the small table of a test, priced as a large one
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", {"ids": ids, "similarity": duplicates.TITLE_SIMILARITY})
            plan = cursor.fetchone()[0][0]["Plan"]
            cursor.execute("RESET enable_seqscan")
        kinds = node_types(plan)
        assert "Merge Join" not in kinds and "Hash Join" not in kinds, kinds


def test_an_import_collects_less_often_and_leaves_the_collector_as_it_found_it(tmp_path, monkeypatch):
    seen = []
    original = load._batches_load
    monkeypatch.setattr(
        load, "_batches_load", lambda *a: seen.append((gc.get_threshold()[0], gc.get_freeze_count())) or original(*a)
    )
    thresholds = gc.get_threshold()
    imported(tmp_path, "zotero-csl.json")
    assert seen[0][0] == batches.YOUNG_COLLECTION and seen[0][1] > 0
    assert (gc.get_threshold(), gc.get_freeze_count()) == (thresholds, 0)


def test_a_process_that_froze_its_objects_keeps_them_frozen_through_an_import(tmp_path, monkeypatch):
    # The frozen count itself is no witness: a frozen object that dies during the import (a cache
    # entry replaced) leaves the permanent generation. What the import must not do is thaw or
    # re-freeze the process's objects.
    thaw = gc.unfreeze
    gc.freeze()
    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    try:
        imported(tmp_path, "zotero-csl.json")
        assert calls == [] and gc.get_freeze_count() > 0
    finally:
        thaw()
