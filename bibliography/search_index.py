"""The search index: a tantivy index on this machine's disk, beside PostgreSQL, that ranks every paper
a search matches (BM25; title above authors above abstract above notes and attached files) in
milliseconds at a million papers, where PostgreSQL's ts_rank has to read every match's vector.

PostgreSQL stays the record. The index holds only what a search reads and is rebuilt from the
database by `manage.py index_search --rebuild` (or by the indexer, when it finds no index built for
this library). It is kept current through an outbox: the database's triggers (migration 0059) write
the id of every paper whose searched text changes, in the changing transaction, and notify; the
indexer (a thread of each web and job-worker process, one at a time under an advisory lock) takes
those papers in, commits the index, and only then deletes their outbox rows, so that a crash at any
point leaves them to be taken in again. A search reads the index only while it is current (built for
this library, with an empty outbox as the searching transaction sees it); otherwise it asks
PostgreSQL (bibliography/searching.py), so no search misses a committed write.
"""

import logging
import os
import select
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import tantivy
from django.conf import settings
from django.db import connection, transaction

from bibliography.search_text import FIELDS, NAMES, PAIRED, PAIRS, WORDS, SearchText, common_in, word_pairs

log = logging.getLogger(__name__)

CHANNEL = "bibliography_search"  # the triggers' notification
_LOCK = 7_349_170_001  # advisory lock: one indexer (or rebuild) at a time, across processes
BATCH = 2000  # papers per commit of the index (a paper with attached files may bring 300,000 characters of each)
# An outbox longer than this (a large import) is taken in by building the index anew: one pass over
# the table instead of a commit per batch.
REBUILD_ABOVE = 100_000
SCHEMA_VERSION = 2  # in the folder's name: an index of another schema is never opened as this one
_BUILT = "built"  # written once a rebuild has committed: an index without it is never read

_DOCUMENTS = """
SELECT p.id, regexp_replace(p.title, '<[^>]*>', '', 'g'), left(p.abstract, 100000),
    coalesce((SELECT string_agg(a.name, ' ; ' ORDER BY s.position) FROM bibliography_authorship s
              JOIN bibliography_author a ON a.id = s.author_id WHERE s.paper_id = p.id), ''),
    array_remove(ARRAY[lower(p.doi), lower(p.arxiv_id), p.citation_key, lower(p.citation_key)], NULL),
    concat_ws(' ', (SELECT string_agg(left(n.text, 100000), ' ') FROM bibliography_note n WHERE n.paper_id = p.id),
              (SELECT string_agg(left(f.text, 300000), ' ') FROM bibliography_attachment f WHERE f.paper_id = p.id))
FROM bibliography_paper p
"""


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", indexed=True, fast=True)
    for field in FIELDS:
        builder.add_text_field(field, tokenizer_name="bib_names" if field == "authors" else "bib_words")
    builder.add_text_field("ids", tokenizer_name="raw")
    builder.add_text_field(PAIRS, tokenizer_name="bib_pairs", index_option="basic")  # only which papers
    return builder.build()


def _opened_at(path: Path | None) -> tantivy.Index:
    """The index at `path` (None: one in memory), its analyzers set."""
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_schema(), path=str(path), reuse=True) if path else tantivy.Index(_schema())
    index.register_tokenizer("bib_words", WORDS)
    index.register_tokenizer("bib_names", NAMES)
    index.register_tokenizer("bib_pairs", PAIRED)
    return index


class LibraryIndex:
    """The index of one library (a folder named by the library's token), as this process reads it."""

    def __init__(self, path: Path):
        self.path = path
        self.index = _opened_at(path)
        self.index.config_reader(reload_policy="Manual")
        self.schema = self.index.schema
        self._seen = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        return (self.path / _BUILT).exists()

    def searcher(self) -> tantivy.Searcher:
        """A searcher of the last commit: a commit rewrites meta.json, so its change says to reload."""
        meta = (self.path / "meta.json").stat()
        with self._lock:
            if self._seen != (meta.st_mtime_ns, meta.st_size, meta.st_ino):
                self.index.reload()
                self._seen = (meta.st_mtime_ns, meta.st_size, meta.st_ino)
            return self.index.searcher()

    def writer(self, *, heap: int = 64_000_000, threads: int = 1) -> tantivy.IndexWriter:
        # An index opened for this write alone: tantivy keeps the list of its files in memory from the
        # opening, and writers of long-lived index objects in several processes would each write
        # back their own list, so that files another one made are never collected.
        return _opened_at(self.path).writer(heap_size=heap, num_threads=threads)


_opened: dict[Path, LibraryIndex] = {}
_opening = threading.Lock()


def library_index(token: str) -> LibraryIndex:
    path = Path(settings.SEARCH_INDEX_DIR) / f"{token}-v{SCHEMA_VERSION}"
    with _opening:
        if path not in _opened or not path.exists():  # a folder removed: opened anew
            _opened[path] = LibraryIndex(path)
        return _opened[path]


def _after_fork() -> None:  # a forked worker opens its own: the parent's may be mid-write, its locks held
    global _opening, _indexer
    _opening, _indexer = threading.Lock(), None
    _opened.clear()


os.register_at_fork(after_in_child=_after_fork)

_STATE = """
SELECT token::text, NOT EXISTS (SELECT 1 FROM bibliography_searchindexchange ORDER BY id LIMIT 1)
FROM bibliography_searchindex
"""


def state() -> tuple[str, bool]:
    """The name of this database's library (migration 0059), which names its index's folder (so that an
    index built from another database, or before a restore or a TRUNCATE, is never read as this
    one's), and whether every change this transaction sees is in the index (the outbox is empty)."""
    with connection.cursor() as cursor:
        cursor.execute(_STATE)
        return cursor.fetchone()


def library_token() -> str:
    return state()[0]


def forget() -> None:
    """Mark this database's index as not built (a restore is putting another state of the library in
    place): searches ask PostgreSQL until an indexer has built it anew."""
    (library_index(library_token()).path / _BUILT).unlink(missing_ok=True)


# Searching


@dataclass
class Hits:
    """What the index found: the best matches' ids, best first, with their scores (the best scoring
    1, to six decimals), and how many papers match in all. `relaxed`: found only with the words read
    as possibly misspelt or the last one as a prefix (the words as typed found fewer than
    `relax_below`)."""

    scores: dict[int, float]
    count: int
    relaxed: bool = False

    @property
    def complete(self) -> bool:
        return self.count <= len(self.scores)

    @property
    def listed_in_full(self) -> bool:
        """Whether its ids are all a list of its search shows: every match, or a relaxed search's best."""
        return self.complete or self.relaxed


def hits(terms: str, limit: int, *, relax_below: int = 10) -> Hits | None:
    """The papers `terms` finds, ranked (the best `limit`), or None when the index is not current (then
    the caller asks PostgreSQL) or the terms have nothing the index can look for. Found fewer than
    `relax_below` times, a search without `or` is tried again relaxed (SearchText)."""
    if not settings.SEARCH_INDEX_DIR or not any(Path(settings.SEARCH_INDEX_DIR).glob(f"*/{_BUILT}")):
        return None  # nothing built on this machine: no need to ask which library this is
    token, current = state()
    index = library_index(token)
    if not (current and index.built):
        return None
    try:
        return _hits(index, terms, limit, relax_below)
    except (OSError, ValueError):  # a damaged or removed index: the search is PostgreSQL's
        log.exception("search index %s", index.path)
        return None


def _hits(index: LibraryIndex, terms: str, limit: int, relax_below: int) -> Hits | None:
    searcher = index.searcher()
    text = SearchText(terms)
    query = text.query(index.schema)
    if query is None:
        return None
    found = searcher.search(query, limit, count=True)
    relaxed = False
    if found.count < relax_below and text.relaxable:
        looser = text.query(index.schema, relaxed=True, common=common_in(searcher))
        if looser is not None and (more := searcher.search(looser, limit, count=True)).count > found.count:
            found, relaxed = more, True
    addresses = [address for _, address in found.hits]
    ids = searcher.fast_field_values("id", addresses) if addresses else []
    best = (found.hits[0][0] if found.hits else 0.0) or 1.0
    scores = {pk: round(score / best, 6) for (score, _), pk in zip(found.hits, ids, strict=True)}
    return Hits(scores, found.count, relaxed)


def _document(row) -> tantivy.Document:
    pk, title, abstract, authors, keys, more = row
    title, abstract = title or "", abstract or ""
    pairs = " ".join(" ".join(word_pairs(WORDS.analyze(text))) for text in (title, abstract, more) if text)
    return tantivy.Document(
        id=pk, title=title, abstract=abstract, authors=authors, ids=keys, more=more, **{PAIRS: pairs}
    )


def take_in(limit: int = BATCH) -> int | None:
    """Take the papers the outbox names into the index (the oldest `limit` of them): how many, or None
    when another indexer is at it. A library without a built index is built first (`rebuild`)."""
    index = library_index(library_token())
    if not index.built:
        return rebuild(unless=lambda: library_index(library_token()).built)
    if _backlog() >= REBUILD_ABOVE:
        return rebuild(unless=lambda: _backlog() < REBUILD_ABOVE)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(
            "SELECT id, paper_id, author_id FROM bibliography_searchindexchange ORDER BY id LIMIT %s", [limit]
        )
        rows = cursor.fetchall()
        if not rows:
            return 0
        papers = {paper for _, paper, _ in rows if paper is not None}
        if renamed := [author for _, _, author in rows if author is not None]:
            cursor.execute("SELECT paper_id FROM bibliography_authorship WHERE author_id = ANY(%s)", [renamed])
            papers.update(paper for (paper,) in cursor.fetchall())
        papers = sorted(papers)
        cursor.execute(_DOCUMENTS + " WHERE p.id = ANY(%s)", [papers])
        documents = cursor.fetchall()
        writer = index.writer()
        try:
            for paper in papers:
                writer.delete_documents_by_term("id", paper)
            for row in documents:
                writer.add_document(_document(row))
            writer.commit()
        finally:
            writer.wait_merging_threads()
        # deleted once the index has them: a crash before this commit takes them in again
        cursor.execute("DELETE FROM bibliography_searchindexchange WHERE id = ANY(%s)", [[pk for pk, *_ in rows]])
        return len(papers)


def _backlog() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM (SELECT FROM bibliography_searchindexchange LIMIT %s) o", [REBUILD_ABOVE])
        return cursor.fetchone()[0]


def rebuild(progress=None, *, unless=None) -> int:
    """Build this library's index anew from the database, every paper as one snapshot shows it; the
    outbox rows that snapshot covers are deleted with it. Searches read the old index (or PostgreSQL)
    until it commits. `progress(n)` is told how many papers are in so far. `unless()`, asked once the
    lock is held, says another process did it meanwhile (then 0)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_LOCK])  # before the snapshot: see transaction below
    try:
        if unless is not None and unless():
            return 0
        outermost = not connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            if outermost:  # the outbox rows this snapshot shows are those whose papers it reads as changed
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            token = library_token()
            index = library_index(token)
            taken = None
            if not outermost:  # no snapshot of its own: delete only the rows seen before reading the papers
                cursor.execute("SELECT array_agg(id) FROM bibliography_searchindexchange")
                taken = cursor.fetchone()[0] or []
            (index.path / _BUILT).unlink(missing_ok=True)
            writer = index.writer(heap=256_000_000, threads=2)
            count = 0
            try:
                writer.delete_all_documents()
                with connection.connection.cursor(name="search_index_rebuild") as rows:  # streamed
                    rows.itersize = 2000
                    rows.execute(_DOCUMENTS)
                    for row in rows:
                        writer.add_document(_document(row))
                        count += 1
                        if progress and count % 10_000 == 0:
                            progress(count)
                writer.commit()
            finally:
                writer.wait_merging_threads()
            (index.path / _BUILT).write_text(token)
            _remove_older_schemas(index.path, token)
            if taken is None:
                cursor.execute("DELETE FROM bibliography_searchindexchange")
            else:
                cursor.execute("DELETE FROM bibliography_searchindexchange WHERE id = ANY(%s)", [taken])
            return count
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK])


def _remove_older_schemas(built: Path, token: str) -> None:
    """Delete this library's indexes of other schemas, now that one of this schema is built (a process
    of the old code still reading one finds it gone and asks PostgreSQL)."""
    for folder in built.parent.glob(f"{token}-v*"):
        if folder != built and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


class Indexer(threading.Thread):
    """Takes changes in as they are committed: woken by the triggers' notification, and every
    `interval` seconds in case one was missed. Several may run (one per process); the advisory
    lock lets one at a time write."""

    def __init__(self, interval: float = 1.0):
        super().__init__(name="search-indexer", daemon=True)
        self.interval = interval
        self.stopping = threading.Event()

    def run(self):
        listening = False
        while not self.stopping.is_set():
            try:
                if not listening:
                    with connection.cursor() as cursor:
                        cursor.execute(f"LISTEN {CHANNEL}")
                    listening = True
                while (taken := take_in()) and taken >= BATCH and not self.stopping.is_set():
                    pass
                self._wait()
            except Exception:  # the database restarting, a full disk: try again, never stop serving
                log.exception("search indexer")
                connection.close()
                listening = False
                self.stopping.wait(self.interval)
        connection.close()

    def _wait(self):
        raw = connection.connection
        raw.poll()  # notifications that came with the last queries' answers are waiting already
        if not raw.notifies and select.select([raw], [], [], self.interval)[0]:
            raw.poll()
        raw.notifies.clear()

    def stop(self, timeout: float = 10.0):
        self.stopping.set()
        self.join(timeout)


_indexer: Indexer | None = None


def start_indexer() -> Indexer | None:
    """This process's indexer (started once; none where settings.SEARCH_INDEXER is off)."""
    global _indexer
    if not (settings.SEARCH_INDEXER and settings.SEARCH_INDEX_DIR):
        return None
    with _opening:
        if _indexer is None or not _indexer.is_alive():
            _indexer = Indexer()
            _indexer.start()
        return _indexer
