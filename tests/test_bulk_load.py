"""A large file into a small library: its rows are written before the indexes only readers use, which
are made again, as they were, in the same transaction (bibliography/importers/bulk.py)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from bibliography.importers import bulk, load
from bibliography.importers.load import import_file
from bibliography.models import Paper
from bibliography.searching import found
from tests.dumps import ABSTRACT, HEADER, LISTING_003, LISTING_004, write
from tests.factories import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def deferred(monkeypatch) -> list[bool]:
    """Whether each import of the test deferred the readers' indexes."""
    said = []
    original = bulk.readers_indexes_deferred
    monkeypatch.setattr(load, "readers_indexes_deferred", lambda defer: said.append(defer) or original(defer))
    return said


def indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
        return dict(cursor.fetchall())


def foreign_keys() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'"
        )
        return sorted(cursor.fetchall())


def test_a_bulk_load_checks_the_foreign_keys_of_what_it_writes_once_at_the_end():
    with connection.cursor() as cursor:
        cursor.execute(bulk._FOREIGN_KEYS, [bulk.LOADED, bulk.REFERENCED])
        deferred = {(table, name) for table, name, _ in cursor.fetchall()}
    assert ("bibliography_authorship", "bibliography_authors_paper_id_57d4fdc4_fk_bibliogra") in deferred
    assert ("bibliography_authorship", "bibliography_authors_author_id_0b9a6e07_fk_bibliogra") in deferred
    assert not {name for _, name in deferred if "import_run" in name}  # the runs' readers do not wait


def test_an_orphan_written_during_a_bulk_load_fails_its_file(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "AT_LEAST_BYTES", 1)
    original = load._batches_load

    def with_an_orphan(*args):
        end = original(*args)
        with connection.cursor() as cursor:  # a row whose paper does not exist: a bug, caught at the end
            cursor.execute(
                "INSERT INTO bibliography_paperlink (paper_id, url, kind) VALUES (-1, 'https://x.org', 'url')"
            )
        return end

    monkeypatch.setattr(load, "_batches_load", with_an_orphan)
    before = foreign_keys()
    result = import_file(LISTING_003)
    assert not result.ok and "foreign key" in str(result.error)
    assert Paper.objects.count() == 0
    assert foreign_keys() == before


def test_every_index_a_bulk_load_defers_exists_before_it():
    assert set(bulk.READERS_ONLY) <= indexes().keys()


@pytest.mark.parametrize("at_least_bytes", [1, bulk.AT_LEAST_BYTES])
def test_a_large_file_into_a_small_library_is_loaded_then_indexed_as_before(monkeypatch, deferred, at_least_bytes):
    monkeypatch.setattr(bulk, "AT_LEAST_BYTES", at_least_bytes)
    before = indexes()
    keys = foreign_keys()
    first, second = import_file(LISTING_003), import_file(LISTING_004)
    assert deferred[0] == (at_least_bytes == 1)  # into an empty library; the default wants 16 MB
    assert [(r.ok, r.created, r.updated, r.unchanged) for r in (first, second)] == [(True, 93, 0, 0), (True, 80, 0, 2)]
    assert indexes() == before
    assert foreign_keys() == keys
    matches, _ = found(Paper.objects.all(), "scaling")
    assert matches.count() == 86  # as without the bulk path: the rebuilt index finds what the other finds


def test_the_deferrable_constraints_are_all_initially_deferred_as_a_bulk_load_restores_them():
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE condeferrable AND NOT condeferred")
        assert cursor.fetchall() == []


def test_a_bulk_load_that_fails_leaves_the_library_and_its_indexes_as_they_were(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "AT_LEAST_BYTES", 1)
    monkeypatch.setattr(load, "BATCH_SIZE", 2)  # so that the failure comes after batches were written
    make_paper(title="Already here")
    before, keys = indexes(), foreign_keys()
    good = "".join(f"Title number {n}\n\n{ABSTRACT} Variant {n}.\n\n" for n in range(300))
    bad = write(tmp_path, HEADER + good + ABSTRACT + "\n", "bad.txt")  # a paragraph with no title, at the end
    assert bulk.worth_deferring(bad.stat().st_size)
    result = import_file(bad)
    assert not result.ok and str(result.error).startswith("bad.txt:")
    assert list(Paper.objects.values_list("title", flat=True)) == ["Already here"]
    assert indexes() == before
    assert foreign_keys() != [] and foreign_keys() == keys


def test_a_file_smaller_than_the_library_or_than_the_threshold_is_loaded_as_always(monkeypatch):
    monkeypatch.setattr(bulk, "AT_LEAST_BYTES", 1)
    assert bulk.worth_deferring(1_000)
    make_paper(title="One paper", abstract=ABSTRACT)
    make_paper(title="Another paper", abstract=ABSTRACT)
    assert not bulk.worth_deferring(1_000)  # two records, by the estimate
    assert bulk.worth_deferring(1_500)
    monkeypatch.setattr(bulk, "AT_LEAST_BYTES", 16 * 1024 * 1024)
    assert not bulk.worth_deferring(1_500)


def test_keep_indexes_writes_every_index_as_it_goes(monkeypatch, deferred):
    monkeypatch.setattr(bulk, "AT_LEAST_BYTES", 1)
    call_command("import_dumps", str(LISTING_003), "--keep-indexes", "--no-progress", stdout=io.StringIO())
    call_command("import_dumps", str(LISTING_004), "--no-progress", stdout=io.StringIO())
    assert deferred == [False, True]
