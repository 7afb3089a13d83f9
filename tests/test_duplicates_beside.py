"""The search for duplicates made beside an import (bibliography/importers/duplicates_beside.py): it
finds what the search after the import finds, and what others commit meanwhile is compared too."""

import re
import threading
from pathlib import Path

import pytest
from django.db import connection, transaction

from bibliography.duplicates import duplicates_find, duplicates_waiting
from bibliography.importers import bulk as bulk_load
from bibliography.importers import duplicates_beside, load
from bibliography.importers.duplicates_beside import SearchBeside
from bibliography.importers.load import import_file
from bibliography.importers.papers import PaperLoader
from bibliography.models import DuplicateCandidate, Paper, TitleSketch, WaitingPaper
from tests.dumps import ABSTRACT, HEADER
from tests.factories import make_paper

# The lookups run on a connection of their own, which sees only what is committed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REAL = Path(__file__).parent / "data" / "real"
LIBRARY = ["acm-dl-legacy-elderly.bib", "bbt-biblatex-history-theses.bib"]
# Each shares labelled duplicates with a file of the library (tests/data/real/duplicates/pairs.csv)
# or within itself (entered twice, a preprint and its published version)...
NEW = ["ieee-xplore-elderly.bib", "zotero-ris-history-theses.ris"]
# ...and these, whose entries go one to the library, the next to the new papers.
HALVED = ["dblp-person-withcrossref.bib", "calibre-catalog-large.bib", "mendeley-desktop-large-storage.bib"]

THEIRS = "Scaling laws for neural language model"
ENTRY = "@article{{k, title = {{{title}}}, author = {{Kaplan, Jared}}, doi = {{{doi}}}, year = {{2020}}}}\n"


def real(name: str) -> Path:
    return next(REAL.rglob(name))


def halves(name: str, folder: Path) -> tuple[Path, Path]:
    """A real .bib as two files, every other entry in each; strings, preambles and comments in both."""
    head, *entries = re.split(r"(?m)^(?=@)", real(name).read_text(encoding="utf-8"))
    shared = [entry for entry in entries if entry.lower().startswith(("@string", "@preamble", "@comment"))]
    works = [entry for entry in entries if entry not in shared]
    first, second = folder / f"first-{name}", folder / f"second-{name}"
    first.write_text("".join([head, *shared, *works[0::2]]), encoding="utf-8")
    second.write_text("".join([head, *shared, *works[1::2]]), encoding="utf-8")
    return first, second


def pairs() -> set[tuple[int, int]]:
    """Which papers are paired (a pair that two reasons make is told by whichever search wrote it first)."""
    return set(DuplicateCandidate.objects.values_list("paper_a_id", "paper_b_id"))


def a_thread_commits(work) -> None:
    """`work` on a connection of its own, committed, while the caller's transaction goes on."""
    failed = []

    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001 — raised again in the caller's thread
            failed.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def test_the_search_beside_an_import_finds_what_the_search_after_it_finds(tmp_path):
    first, second = zip(*(halves(name, tmp_path) for name in HALVED), strict=True)
    for path in [*map(real, LIBRARY), *first]:
        assert import_file(path, bulk=False).error is None
    duplicates_find()
    before = last = Paper.objects.order_by("-pk").values_list("pk", flat=True).first()

    results = []
    for path in [*map(real, NEW), *second]:
        results.append(import_file(path, bulk=False, duplicates=True))
        assert results[-1].error is None
        sketched = TitleSketch.objects.filter(paper_id__gt=last, bands__isnull=False).values("paper_id")
        assert sketched.count() > 0
        assert not WaitingPaper.objects.filter(paper_id__in=sketched).exists()  # searched, they left the queue
        last = Paper.objects.order_by("-pk").values_list("pk", flat=True).first()

    new = set(Paper.objects.filter(pk__gt=before).values_list("pk", flat=True))
    found_beside = pairs()
    assert sum(result.duplicates for result in results) > 10
    by_kind = {(a in new) + (b in new) for a, b in found_beside}
    assert by_kind == {0, 1, 2}  # within the library, new with stored, and within the new files

    duplicates_find()  # what the import left waiting: papers titled by a later record, papers it completed
    found = pairs()
    DuplicateCandidate.objects.all().delete()
    WaitingPaper.objects.bulk_create([WaitingPaper(paper_id=pk) for pk in Paper.objects.values_list("pk", flat=True)])
    duplicates_find()
    assert pairs() == found


def test_a_paper_another_process_commits_and_searches_during_the_import_is_compared_after_it(monkeypatch, tmp_path):
    bib = tmp_path / "new.bib"
    bib.write_text(ENTRY.format(title="Scaling laws for neural language models", doi="10.1234/one"))
    looked_up = SearchBeside._end

    def another_paper_meanwhile(search):
        looked_up(search)  # every lookup made: then a paper and its own search, which cannot see the import's

        def theirs():
            make_paper(title="Scaling laws for neural language model", year=2020)
            duplicates_find(workers=1)

        a_thread_commits(theirs)

    monkeypatch.setattr(SearchBeside, "_end", another_paper_meanwhile)
    result = import_file(bib, bulk=False, duplicates=True)

    assert result.error is None and result.duplicates == 1
    assert list(DuplicateCandidate.objects.values_list("reason", flat=True)) == ["title"]
    assert duplicates_waiting() == 0


def test_a_paper_waiting_before_the_import_and_searched_during_it_is_compared_after_it(monkeypatch, tmp_path):
    older = make_paper(title="Scaling laws for neural language model", year=2020)  # waits, without keys
    bib = tmp_path / "new.bib"
    bib.write_text(ENTRY.format(title="Scaling laws for neural language models", doi="10.1234/one"))
    looked_up = SearchBeside._end

    def its_search_meanwhile(search):
        looked_up(search)  # the lookups could not see it: it had no keys
        a_thread_commits(lambda: duplicates_find(workers=1))  # keyed and compared, without the new papers

    monkeypatch.setattr(SearchBeside, "_end", its_search_meanwhile)
    result = import_file(bib, bulk=False, duplicates=True)

    assert result.error is None and result.duplicates == 1
    assert DuplicateCandidate.objects.filter(paper_a=older).exists()
    assert duplicates_waiting() == 0


def test_a_paper_written_during_the_import_and_completed_by_it_is_compared_after_it(monkeypatch, tmp_path):
    monkeypatch.setattr(load, "BATCH_SIZE", 1)
    bib = tmp_path / "new.bib"
    completing = "@article{l, title = {Scaling laws for neural language model}, doi = {10.1234/x}, abstract = {%s}}\n"
    bib.write_text(
        ENTRY.format(title="Scaling laws for neural language models", doi="10.1234/one") + completing % ABSTRACT
    )
    written = threading.Event()
    look_up, load_papers = duplicates_beside.titles_alike, PaperLoader.load_papers

    def then_theirs(sketches, **options):  # after the first lookup among the library's titles
        found = look_up(sketches, **options)
        if not written.is_set():
            a_thread_commits(lambda: (make_paper(title=THEIRS, abstract="", year=2020), duplicates_find(workers=1)))
            written.set()
        return found

    def second_batch_after_theirs(loader, records, *meanwhile):
        if records[0].doi == "10.1234/x":
            assert written.wait(30)
        return load_papers(loader, records, *meanwhile)

    monkeypatch.setattr(duplicates_beside, "titles_alike", then_theirs)
    monkeypatch.setattr(PaperLoader, "load_papers", second_batch_after_theirs)
    result = import_file(bib, bulk=False, duplicates=True)

    theirs = Paper.objects.get(doi="10.1234/x")
    assert result.error is None and theirs.abstract == ABSTRACT  # completed by the import
    assert (
        DuplicateCandidate.objects.filter(paper_a=theirs).exists()
        or DuplicateCandidate.objects.filter(paper_b=theirs).exists()
    )


def test_a_new_paper_changed_before_it_leaves_the_queue_waits_for_the_search_of_its_change(monkeypatch, tmp_path):
    bib = tmp_path / "new.bib"
    bib.write_text(
        ENTRY.format(title="Scaling laws for neural language models", doi="10.1234/one")
        + ENTRY.format(title="Training compute optimal large language models", doi="10.1234/two").replace("{k,", "{l,")
    )
    caught_up = SearchBeside._caught_up

    def a_curator_first(search):
        a_thread_commits(lambda: Paper.objects.filter(doi="10.1234/one").update(doi="10.1234/three"))
        return caught_up(search)

    monkeypatch.setattr(SearchBeside, "_caught_up", a_curator_first)
    assert import_file(bib, bulk=False, duplicates=True).error is None

    assert list(WaitingPaper.objects.values_list("paper__doi", flat=True)) == ["10.1234/three"]


def test_when_the_lookups_fail_the_new_papers_wait_for_the_search_after_the_import(monkeypatch, tmp_path):
    make_paper(title="Scaling laws for neural language model", year=2020)
    duplicates_find()
    bib = tmp_path / "new.bib"
    bib.write_text(ENTRY.format(title="Scaling laws for neural language models", doi="10.1234/one"))

    def server_gone(sketches):
        raise duplicates_beside.DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(duplicates_beside, "titles_alike", server_gone)
    result = import_file(bib, bulk=False, duplicates=True)

    assert result.error is None and result.duplicates == 0
    assert duplicates_waiting() == 1
    assert TitleSketch.objects.filter(paper__doi="10.1234/one", bands__isnull=False).exists()
    assert duplicates_find() == 1


def test_an_import_inside_a_transaction_or_a_bulk_load_leaves_its_papers_to_the_search(monkeypatch, tmp_path):
    bib = tmp_path / "new.bib"
    bib.write_text(ENTRY.format(title="Scaling laws for neural language models", doi="10.1234/one"))
    make_paper(title="Scaling laws for neural language model", year=2020)
    duplicates_find()

    with transaction.atomic():
        result = import_file(bib, bulk=False, duplicates=True)

    assert result.error is None and result.duplicates == 0
    assert duplicates_waiting() == 1
    assert duplicates_find() == 1

    monkeypatch.setattr(bulk_load, "AT_LEAST_BYTES", 1)
    bulk = import_file(real("ieee-xplore-elderly.bib"), duplicates=True)  # larger than the library

    assert bulk.error is None and bulk.duplicates == 0
    assert duplicates_waiting() == bulk.created > 500


def test_a_file_the_database_refuses_stops_its_lookups_and_keeps_nothing(tmp_path):
    listing = tmp_path / "future.txt"
    listing.write_text(HEADER + "".join(f"Scaling laws, part {n}\n\n{ABSTRACT} {n}\n\n" for n in range(3)))

    result = import_file(listing, year=2500, bulk=False, duplicates=True)  # a year the papers' table refuses

    assert "paper_year_plausible" in str(result.error) and result.duplicates == 0
    assert not Paper.objects.exists() and not TitleSketch.objects.exists() and not WaitingPaper.objects.exists()
    assert not [thread for thread in threading.enumerate() if thread.name == "duplicates-beside"]
