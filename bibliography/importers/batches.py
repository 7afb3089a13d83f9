"""Records in batches, read ahead while the database writes the batch before.

Parsing and folding text into matching keys is pure Python; writing a batch is Python too (building
rows) and then waiting for PostgreSQL. `read_ahead` parses in a second thread, which helps where
the writing mostly waits; `made_elsewhere` parses in a forked process, on a core of its own, which
helps where both are busy (a reference manager's library: LaTeX, names, dates). Either way at most
`depth` batches wait in memory.
"""

import contextlib
import ctypes
import gc
import itertools
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

_POLL_SECONDS = 0.1

# The parser runs ahead of the loader (a few batches): on two cores shared by three busy processes
# (parser, loader, PostgreSQL), it is the one that can wait, so that the other two, in turn on
# the import's critical path, each keep a core.
_PARSER_NICENESS = 10


# How many objects Python allocates before it looks for cycles among the youngest (700 by default).
YOUNG_COLLECTION = 50_000


@contextmanager
def collected_less() -> Iterator[None]:
    """Python's cycle collector tuned for a loader that makes and drops objects by the hundred
    thousand (records, rows, model instances): what the process held before is set aside
    (`gc.freeze`), so that each full collection no longer walks Django and every module again, and
    the youngest objects are looked at every YOUNG_COLLECTION allocations. A library of 10,000
    entries loaded in 11.2 s instead of 14.0 s. A process that froze its objects already (a web
    server's, config/serving.py) keeps them frozen; the thresholds are restored on the way out."""
    thresholds = gc.get_threshold()
    freezing = gc.get_freeze_count() == 0
    if freezing:
        gc.collect()  # no garbage set aside for good
        gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if freezing:
            gc.unfreeze()


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def read_ahead(batches: Iterable[T], depth: int = 2) -> Iterator[T]:
    """The same batches in the same order, produced in a thread; its errors are raised here."""
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stopped = threading.Event()

    def put(item) -> bool:
        while not stopped.is_set():
            try:
                ready.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False  # the consumer has gone (an error, or it stopped early)

    def produce() -> None:
        try:
            for batch in batches:
                if not put((batch, None)):
                    return
            put((None, None))
        except BaseException as error:  # noqa: BLE001 — handed to the consumer, raised there
            put((None, error))

    thread = threading.Thread(target=produce, name="import-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            batch, error = ready.get()
            if error is not None:
                raise error
            if batch is None:
                return
            yield batch
    finally:
        stopped.set()
        thread.join()


def made_elsewhere(produce: Callable[[], Iterable[T]], depth: int = 2) -> Iterator[T]:
    """What `produce()` yields, made in a forked process and handed over in order; its errors are
    raised here. The child touches no database connection (it only parses) and leaves with
    `os._exit`, so the parent's open transaction is never disturbed."""
    context = multiprocessing.get_context("fork")
    ready = context.Queue(maxsize=depth)

    def child() -> None:
        _end_with_parent()
        # The parent's stop is final here: no handler of the parent's (the embedded server's cleanup
        # turns SIGTERM into SystemExit) may run, nor may the child block handing over its error.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.nice(_PARSER_NICENESS)
        try:
            for item in produce():
                ready.put((item, None))
            ready.put((None, None))
        except BaseException as error:  # noqa: BLE001 — handed to the parent, raised there
            ready.put((None, error))

    process = context.Process(target=child, name="import-parser", daemon=True)
    process.start()
    try:
        while True:
            try:
                with _collector_paused():
                    item, error = ready.get(timeout=_POLL_SECONDS * 10)
            except queue.Empty:
                if not process.is_alive():
                    raise RuntimeError(f"the parser process ended without a word ({process.exitcode})") from None
                continue
            if error is not None:
                raise error
            if item is None:
                return
            yield item
    finally:
        if process.is_alive():
            process.terminate()
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Unpickling a batch makes a hundred thousand objects, none of them garbage: collecting cycles
    among them as they come (every YOUNG_COLLECTION allocations) cost a quarter of the unpickling."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _end_with_parent() -> None:
    """A killed import (kill -9) leaves no parser behind: Linux ends this process with its parent."""
    # not Linux: the child still ends when the queue's reader is gone and it exits
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
