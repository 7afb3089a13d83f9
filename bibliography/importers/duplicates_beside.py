"""The search for duplicates of a file's new papers, made while the file is written.

Most of a search's time is the lookup of each new title's band keys in the library's index: made
after the import, it added a fifth to the time of 20,000 papers imported into a library of 1.8
million. During an import one of two cores stays idle (the loader and its database backend take
turns), so the lookups run beside the writing, batch after batch, on a connection of their own:
each batch's titles among the library's as committed, then among the earlier new ones, which that
connection keeps in a temporary table of its own. In the import's transaction at the end, the pairs
found are kept where the papers' years and first authors agree, and the new papers are compared by
identifier and abstract (index lookups). Until then the new papers' keys wait in a temporary table:
in the index's pending list, every lookup would read them all (66 s instead of 4 for 20,000 lookups).

Papers that others commit while the file is written are compared with the new ones after the
commit, as the snapshot taken at the start tells them; only then do the new papers leave the
search's queue (WaitingPaper), so that a process stopped before leaves them to the next search.
"""

import logging
import queue
import threading
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction

from bibliography.duplicates import BATCH, identifiers_compared, title_pairs_note, titles_alike
from bibliography.models import TitleSketch
from bibliography.title_bands import bands_text, title_sketches

from .copy import Made, copy_from_file, copy_rows

logger = logging.getLogger(__name__)

_SKETCHES = "new_title_sketches"  # on the import's connection, and on the lookups' (each its own)
SKETCH_FIELDS = ["paper", "bands", "grams", "title_key"]  # a sketch row as the parser hands it over
_FEW = 500  # papers to compare after the commit, beyond which the index's pending list is merged first
_AHEAD = 16  # batches handed over and not yet looked up: the loader waits beyond that
# The new keys are left in the index's pending list (up to this size), which the next search, or the
# next import's lookups on their own connection, merge: merged by the insert, they took 3.3 of the
# 4.3 s of the end of a file of 20,000 papers, in the import's own time.
_PENDING_KB = 64 * 1024

# Explicit columns, not LIKE the library's table: LIKE would hold a lock on it until the commit, and
# a migration waiting behind that lock would stop the lookups, which would stop the import.
_SKETCHES_TABLE = f"""
CREATE TEMPORARY TABLE {_SKETCHES} (paper_id bigint, bands bigint[], grams smallint, title_key varchar(1000))
"""
_LOCK_TIMEOUT = "5s"  # a lookup waiting longer for a lock gives up: the new papers wait for the search

# Papers that transactions not yet committed when the search began have written since, the import's
# among them (those it completed may have been written by others meanwhile): the lookups could not
# see them.
_CHANGED_BESIDE = """
SELECT id FROM bibliography_paper
WHERE version >= pg_snapshot_xmin(%(snapshot)s::pg_snapshot)::text::bigint
    AND (version = %(ours)s OR NOT pg_visible_in_snapshot(version::text::xid8, %(snapshot)s::pg_snapshot))
"""
_TITLES = "SELECT id, title_key FROM bibliography_paper WHERE id = ANY(%s)"

_TAKE = "SELECT paper_id FROM bibliography_waitingpaper WHERE paper_id = ANY(%s) FOR UPDATE SKIP LOCKED"

# Only papers as the import left them: one changed since waits for the search of its change (a
# change of title empties its keys; any change moves its version). Each paper is read by its id: as
# a join, the planner, whose statistics have not seen the import, read every paper of its version
# for each batch (3.5 s a batch of 2,000 at 1.8 million papers, against 13 ms).
_LEAVE = """
DELETE FROM bibliography_waitingpaper w
WHERE w.paper_id = ANY(%(ids)s)
    AND (SELECT version FROM bibliography_paper WHERE id = w.paper_id) = %(ours)s
    AND (SELECT bands IS NOT NULL FROM bibliography_titlesketch WHERE paper_id = w.paper_id)
"""


class SearchBeside:
    """One file's search: `add` each batch's new sketches, `finish` before the commit, and
    `after_commit` after it."""

    def __init__(self):
        with connection.cursor() as cursor:
            cursor.execute(_SKETCHES_TABLE + " ON COMMIT DROP")
            cursor.execute("SELECT pg_current_snapshot()::text, pg_current_xact_id()::text::bigint")
            self._snapshot, self._version = cursor.fetchone()
            # A search may take one of these before the new papers are committed, and not see them; those
            # it keys meanwhile the lookups may not see either.
            cursor.execute("SELECT paper_id FROM bibliography_waitingpaper")
            self._waiting = array("q", (pk for (pk,) in cursor.fetchall()))
        self._ids = array("q")  # increasing: ids are taken in order, batch after batch
        self._pairs: list[tuple[int, int, float]] = []
        self._failed: BaseException | None = None
        self._batches: queue.Queue = queue.Queue(maxsize=_AHEAD)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._look_up, name="duplicates-beside", daemon=True)
        self._thread.start()

    def add(
        self, file_name: str, sketches: list[tuple[int, str, int | None, str]], lines: Sequence[int], text: Made
    ) -> None:
        """New papers' sketches (id, band keys as text, trigram count, folded title), and as COPY text."""
        copy_from_file(file_name, TitleSketch, SKETCH_FIELDS, text, lines, table=_SKETCHES)
        self._ids.extend(sketch[0] for sketch in sketches)
        if sketches and self._failed is None:
            self._batches.put(sketches)

    def finish(self) -> int:
        """In the import's transaction, once its papers are written: the new sketches stored, and the
        pairs found; how many."""
        self._end()
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('gin_pending_list_limit', %s, true)", [str(_PENDING_KB)])
            cursor.execute(
                f"INSERT INTO bibliography_titlesketch (paper_id, bands, grams, title_key) "
                f"SELECT paper_id, bands, grams, title_key FROM {_SKETCHES}"
            )
        if self._failed is not None:
            return 0
        try:  # a paired paper that another transaction deletes meanwhile fails the search, not the import
            with transaction.atomic():
                added = title_pairs_note(self._pairs)
                for start in range(0, len(self._ids), BATCH):
                    added += identifiers_compared(self._ids[start : start + BATCH].tolist())
                return added
        except DatabaseError as error:
            logger.warning("the new papers wait for the search for duplicates: %s", error)
            self._failed = error
            return 0

    def after_commit(self) -> int:
        """The new papers compared with those others committed meanwhile, then out of the queue; on a
        database error, left in it."""
        if self._failed is not None:
            return 0
        try:
            return self._caught_up()
        except DatabaseError as error:
            logger.warning("the new papers wait for the search for duplicates: %s", error)
            return 0

    @transaction.atomic  # one commit for all
    def _caught_up(self) -> int:
        added = 0
        with connection.cursor() as cursor:
            cursor.execute(_CHANGED_BESIDE, {"snapshot": self._snapshot, "ours": self._version})
            unseen = {pk for (pk,) in cursor.fetchall() if not self._new(pk)}
            for start in range(0, len(self._waiting), BATCH):  # left in the queue, untaken: a search will see them
                waiting = self._waiting[start : start + BATCH].tolist()
                cursor.execute(_TAKE, [waiting])
                unseen.update(set(waiting) - {pk for (pk,) in cursor.fetchall()})
            if len(unseen) > _FEW:  # each lookup would read the new keys in the index's pending list
                cursor.execute("SELECT gin_clean_pending_list('titlesketch_bands_idx')")
            unseen = sorted(unseen)
            for start in range(0, len(unseen), BATCH):
                cursor.execute(_TITLES, [unseen[start : start + BATCH]])
                added += _compared_in_hand(cursor.fetchall())
        with connection.cursor() as cursor:
            for start in range(0, len(self._ids), BATCH):
                cursor.execute(_TAKE, [self._ids[start : start + BATCH].tolist()])
                taken = [pk for (pk,) in cursor.fetchall()]
                cursor.execute(_LEAVE, {"ids": taken, "ours": self._version})
        return added

    def _new(self, pk: int) -> bool:
        at = bisect_left(self._ids, pk)
        return at < len(self._ids) and self._ids[at] == pk

    def close(self) -> None:
        """Stop looking up (the import failed, or is stopped)."""
        self._stop.set()
        self._end()

    def _end(self) -> None:
        if self._thread.is_alive():
            self._batches.put(None)
            self._thread.join()

    def _look_up(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, false)", [_LOCK_TIMEOUT])
                cursor.execute("SELECT gin_clean_pending_list('titlesketch_bands_idx')")  # what others left there
                cursor.execute(_SKETCHES_TABLE)
                cursor.execute(f"CREATE INDEX ON {_SKETCHES} USING gin (bands) WITH (fastupdate = off)")
            while (sketches := self._batches.get()) is not None:
                if not self._stop.is_set():
                    self._pairs += titles_alike(sketches)
                    copy_rows(TitleSketch, SKETCH_FIELDS, sketches, table=_SKETCHES)
                    self._pairs += titles_alike(sketches, among=_SKETCHES, earlier=True)
        except BaseException as error:  # the new papers then wait in the queue for the search after
            logger.warning("the search for duplicates beside the import stopped: %s", error)
            self._failed = error
            while self._batches.get() is not None:
                pass
        finally:
            connection.close()


def _compared_in_hand(papers: list[tuple[int, str]]) -> int:
    """Papers compared with every stored one, their keys made here: the search that keys them may
    have run before the new papers were committed, and not seen them."""
    keys = [key or "" for _, key in papers]
    bands, grams = title_sketches(keys)
    ids = [pk for pk, _ in papers]
    sketches = [(pk, bands_text(b), g, key) for pk, b, g, key in zip(ids, bands, grams, keys, strict=True) if b]
    return title_pairs_note(titles_alike(sketches)) + identifiers_compared(ids)


@contextmanager
def searched_beside(wanted: bool) -> Iterator[SearchBeside | None]:
    """A search beside the writing if `wanted`, finished when the writing is; stopped on an error."""
    if not wanted:
        yield None
        return
    search = SearchBeside()
    try:
        yield search
    except BaseException:
        search.close()
        raise
