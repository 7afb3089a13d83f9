"""Curators writing the same thing at the same moment, on separate connections."""

import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connection, connections, transaction

from bibliography import duplicates, text
from bibliography.duplicates import duplicates_find, duplicates_waiting
from bibliography.models import DuplicateCandidate, Paper, PaperConcept, PaperVersion, TitleSketch, Venue
from bibliography.tagging import papers_tag
from bibliography.title_bands import title_bands
from tests.factories import make_concept, make_paper, make_venue

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def waiting_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row and row[0])


def remember_backend(state: dict) -> None:
    """Put this thread's connection's backend pid in state["pid"], for queued_behind()."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        state["pid"] = cursor.fetchone()[0]


def queued_behind(thread: threading.Thread, state: dict) -> None:
    """Wait until the thread's connection (its backend pid in state["pid"]) waits for a lock."""
    deadline = time.monotonic() + 30
    while not ("pid" in state and waiting_for_a_lock(state["pid"])):
        assert time.monotonic() < deadline and thread.is_alive(), state
        time.sleep(0.02)


@contextmanager
def a_threads_work(state: dict, failed: str = "error"):
    """A thread's work on its own connection: what it raised kept in state[failed], for the test's
    assertion (a thread's exception reaches no one), and its connection closed."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 — reported by the test's assertion
        state[failed] = error
    finally:
        connections.close_all()


def test_two_curators_tagging_the_same_paper_at_once_both_succeed():
    paper, concept = make_paper(), make_concept()
    first_holds_its_transaction = threading.Event()
    let_first_commit = threading.Event()
    second: dict = {}

    def first_curator():
        try:
            with transaction.atomic():
                papers_tag(papers=[paper], concept=concept)
                first_holds_its_transaction.set()
                let_first_commit.wait(30)
        finally:
            connections.close_all()

    def second_curator():
        with a_threads_work(second):
            remember_backend(second)
            second["result"] = papers_tag(papers=[Paper.objects.get(pk=paper.pk)], concept=concept)

    one = threading.Thread(target=first_curator)
    one.start()
    assert first_holds_its_transaction.wait(30)
    two = threading.Thread(target=second_curator)
    two.start()
    queued_behind(two, second)
    let_first_commit.set()
    one.join(30)
    two.join(30)

    assert "error" not in second, second.get("error")
    assert second["result"] == (0, 0)  # it found the first curator's tag, accepted already
    assert PaperConcept.objects.filter(paper=paper, concept=concept, status="accepted").count() == 1


def test_a_title_changed_while_the_search_runs_is_compared_once_it_is_committed():
    """A paper waiting for the duplicate search whose title a curator changes, uncommitted, is left
    for the next search, which compares the new title: not taken off the queue with the old one."""
    older = make_paper(title="Scaling laws for neural language models")
    renamed = make_paper(title="Something else entirely")
    holds_the_change, let_it_commit = threading.Event(), threading.Event()

    def curator():
        try:
            with transaction.atomic():
                paper = Paper.objects.get(pk=renamed.pk)
                paper.title = "Scaling Laws for Neural Language Models!"
                paper.save()
                holds_the_change.set()
                let_it_commit.wait(30)
        finally:
            connections.close_all()

    one = threading.Thread(target=curator)
    one.start()
    assert holds_the_change.wait(30)
    duplicates_find()  # the renamed paper is skipped, not searched under its old title
    assert not DuplicateCandidate.objects.exists()
    let_it_commit.set()
    one.join(30)
    assert duplicates_waiting() == 1
    duplicates_find()
    assert list(DuplicateCandidate.objects.values_list("paper_a_id", "paper_b_id")) == [(older.pk, renamed.pk)]


def saved(paper: Paper, title: str) -> None:  # the citation key follows the title: a key column changes
    paper.title = title
    paper.save()


def updated(paper: Paper, title: str) -> None:  # no key column changes
    Paper.objects.filter(pk=paper.pk).update(title=title, title_key=text.title_key(title))


@pytest.mark.parametrize("change", [saved, updated])
def test_a_title_changed_after_the_search_made_its_keys_gets_keys_of_the_new_title(monkeypatch, change):
    """The other order: the search has made the keys of the old title and not committed yet when a
    curator changes the title. The change waits for it, then empties those keys and queues the paper."""
    older = make_paper(title="Scaling laws for neural language models")
    renamed = make_paper(title="Something else entirely")
    compare, holds_its_keys, let_it_commit = duplicates._compare, threading.Event(), threading.Event()
    curator: dict = {}

    def compare_and_wait(ids, *args, **kwargs):
        added = compare(ids, *args, **kwargs)
        if renamed.pk in ids:
            holds_its_keys.set()
            let_it_commit.wait(30)
        return added

    def search():
        with a_threads_work(curator, "search failed"):
            duplicates_find()

    def rename():
        with a_threads_work(curator, "rename failed"):
            remember_backend(curator)
            change(Paper.objects.get(pk=renamed.pk), "Scaling Laws for Neural Language Models!")

    monkeypatch.setattr(duplicates, "_compare", compare_and_wait)
    one = threading.Thread(target=search)
    one.start()
    assert holds_its_keys.wait(30)
    two = threading.Thread(target=rename)
    two.start()
    queued_behind(two, curator)
    let_it_commit.set()
    one.join(30)
    two.join(30)
    monkeypatch.setattr(duplicates, "_compare", compare)
    assert "search failed" not in curator and "rename failed" not in curator, curator
    duplicates_find()  # unless the search's last pass found the paper queued again already
    assert duplicates_waiting() == 0
    key = Paper.objects.get(pk=renamed.pk).title_key
    assert TitleSketch.objects.get(paper=renamed).bands == title_bands([key])[0]
    assert list(DuplicateCandidate.objects.values_list("paper_a_id", "paper_b_id")) == [(older.pk, renamed.pk)]


TITLES = [
    "Deep residual learning for image recognition",
    "Attention is all you need for sequence transduction",
    "Scaling laws for neural language models",
    "The lottery ticket hypothesis finding sparse trainable networks",
    "Language models are few shot learners",
    "Dropout a simple way to prevent neural networks from overfitting",
    "Adam a method for stochastic optimization",
    "Batch normalization accelerating deep network training",
]


def test_connections_side_by_side_find_the_pairs_one_connection_finds(monkeypatch):
    """Papers with keys are taken by several connections at once, each batch by one; papers without
    keys (the API's, a changed title's) are left to the caller's connection, which alone can see the
    keys it makes. Either way each look-alike pair is found once."""
    sketched = [make_paper(title=title) for title in TITLES] + [make_paper(title=f"{title}.") for title in TITLES]
    duplicates_find(workers=1)
    DuplicateCandidate.objects.all().delete()
    duplicates.WaitingPaper.objects.bulk_create([duplicates.WaitingPaper(paper=paper) for paper in sketched])
    unsketched = [make_paper(title=f"{title}!") for title in TITLES]
    compare, by_thread = duplicates._compare, {}

    def compare_and_count(ids, *args, **kwargs):
        name = threading.current_thread().name
        by_thread[name] = by_thread.get(name, 0) + len(ids)
        time.sleep(0.05)  # long enough for the other connections to take their batches meanwhile
        return compare(ids, *args, **kwargs)

    monkeypatch.setattr(duplicates, "BATCH", 3)
    monkeypatch.setattr(duplicates, "_compare", compare_and_count)
    told = []
    added = duplicates_find(workers=3, on_progress=told.append)
    expected = {
        tuple(sorted((a.pk, b.pk)))
        for group in zip(sketched[: len(TITLES)], sketched[len(TITLES) :], unsketched, strict=True)
        for a, b in [(group[0], group[1]), (group[0], group[2]), (group[1], group[2])]
    }
    assert set(DuplicateCandidate.objects.values_list("paper_a_id", "paper_b_id")) == expected
    assert added == len(expected) and duplicates_waiting() == 0
    assert len([name for name in by_thread if name.startswith("duplicates")]) >= 2, by_thread
    assert by_thread.get(threading.current_thread().name) == len(unsketched), by_thread
    assert told[-1] == len(sketched) + len(unsketched) and told == sorted(told)
    assert all(s.title_key for s in TitleSketch.objects.all())


def test_an_error_in_one_connection_stops_the_others_and_is_raised(monkeypatch):
    papers = [make_paper(title=f"{title} {n}") for n in range(3) for title in TITLES]
    duplicates_find(workers=1)
    duplicates.WaitingPaper.objects.bulk_create([duplicates.WaitingPaper(paper=paper) for paper in papers])
    compare, taken = duplicates._compare, []

    def compare_or_fail(ids, *args, **kwargs):
        taken.append(len(ids))
        if len(taken) == 2:
            raise RuntimeError("the server went away")
        time.sleep(0.05)
        return compare(ids, *args, **kwargs)

    monkeypatch.setattr(duplicates, "BATCH", 2)
    monkeypatch.setattr(duplicates, "_compare", compare_or_fail)
    with pytest.raises(RuntimeError, match="went away"):
        duplicates_find(workers=2)
    assert sum(taken) < len(papers) and duplicates_waiting() > 0  # the rest waits for the next search


def test_a_venue_renamed_while_a_paper_of_it_is_deleted_both_succeed():
    # the rename moves the version of each paper of the venue, beside the paper (PaperVersion): the
    # deleted paper's row must not be checked for at the rename's commit, after the delete committed
    venue = make_venue("Old Name")
    paper = make_paper(title="Deleted meanwhile", venue=venue)
    renaming_holds, let_rename_commit = threading.Event(), threading.Event()
    renamer: dict = {}
    deleter: dict = {}

    def rename():
        with a_threads_work(renamer), transaction.atomic():
            Venue.objects.filter(pk=venue.pk).update(name="New Name")
            renaming_holds.set()
            let_rename_commit.wait(30)

    def delete():
        with a_threads_work(deleter):
            remember_backend(deleter)
            Paper.objects.get(pk=paper.pk).delete()

    one = threading.Thread(target=rename)
    one.start()
    assert renaming_holds.wait(30)
    two = threading.Thread(target=delete)
    two.start()
    deadline = time.monotonic() + 30
    while two.is_alive() and not ("pid" in deleter and waiting_for_a_lock(deleter["pid"])):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    let_rename_commit.set()
    one.join(30)
    two.join(30)

    assert "error" not in renamer and "error" not in deleter, (renamer, deleter)
    assert Venue.objects.get(pk=venue.pk).name == "New Name" and not Paper.objects.filter(pk=paper.pk).exists()
    assert not PaperVersion.objects.exists()
