"""Records in batches, read ahead in a second thread while the database writes the batch before.

Parsing and folding text into matching keys is pure Python; writing a batch is mostly waiting for
PostgreSQL (psycopg2 lets go of the GIL while it waits). Doing both at once takes the parser's
time off an import's wall clock, and at most `depth` batches wait in memory.
"""

import itertools
import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_POLL_SECONDS = 0.1


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
