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
import re
import select
import shutil
import threading
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import tantivy
from django.conf import settings
from django.db import connection, transaction

from bibliography import identifiers

log = logging.getLogger(__name__)

# The fields a search reads, and how much a word found in each weighs.
FIELDS = {"title": 3.0, "authors": 2.0, "abstract": 1.0, "more": 0.5}
IDENTIFIER_BOOST = 50.0
CHANNEL = "bibliography_search"  # the triggers' notification
_LOCK = 7_349_170_001  # advisory lock: one indexer (or rebuild) at a time, across processes
BATCH = 2000  # papers per commit of the index (a paper with attached files may bring 300,000 characters of each)
# An outbox longer than this (a large import) is taken in by building the index anew: one pass over
# the table instead of a commit per batch.
REBUILD_ABOVE = 100_000
# A word this long or longer is also looked up one edit away (as Meilisearch does): one edit from a
# shorter word reaches the commonest words ("jare" finds "are" and "care": 831,395 papers, 44 ms).
TYPO_FROM = 5
# Nor is a word that this share of the titles or abstracts have as typed (and ten): it is no typo, and
# one edit from a common word reaches other common words ("use project based teaching" retried 43 ms
# at a million papers). At 1% the known-item benchmark's typos are found as often as with every word
# read as misspelt (at 0.1%, 2 of 155 fewer), and its slowest 1% of searches take 22 ms instead of 39.
TYPO_SHARE = 0.01
SCHEMA_VERSION = 2  # in the folder's name: an index of another schema is never opened as this one
# Every two neighbouring words of the title, abstract and notes are also indexed as one term (as
# Elasticsearch's `index_phrases` does): a phrase of common words ("more the more") then reads the
# postings of its rare pairs, not of words in most papers (23 ms at a million papers).
PAIRS = "pairs"
# Words that weigh little and that a search does not require (Lucene's English list).
STOPWORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
     "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with"}
)  # fmt: skip
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


def _analyzer(stemmed: bool) -> tantivy.TextAnalyzer:
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(60))
    builder = builder.filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold())
    return (builder.filter(tantivy.Filter.stemmer("english")) if stemmed else builder).build()


WORDS, NAMES = _analyzer(stemmed=True), _analyzer(stemmed=False)
_PAIRED = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()  # pairs as made: none cut
_ANALYZERS = {"title": WORDS, "authors": NAMES, "abstract": WORDS, "more": WORDS}


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
    index.register_tokenizer("bib_pairs", _PAIRED)
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
        looser = text.query(index.schema, relaxed=True, common=_common_in(searcher))
        if looser is not None and (more := searcher.search(looser, limit, count=True)).count > found.count:
            found, relaxed = more, True
    addresses = [address for _, address in found.hits]
    ids = searcher.fast_field_values("id", addresses) if addresses else []
    best = (found.hits[0][0] if found.hits else 0.0) or 1.0
    scores = {pk: round(score / best, 6) for (score, _), pk in zip(found.hits, ids, strict=True)}
    return Hits(scores, found.count, relaxed)


def _common_in(searcher: tantivy.Searcher):
    """Whether a word as typed is in at least TYPO_SHARE of the titles or abstracts (and 10)."""
    least = max(10, TYPO_SHARE * searcher.num_docs)

    def common(word: str) -> bool:
        tokens = WORDS.analyze(word)
        return len(tokens) == 1 and any(searcher.doc_freq(field, tokens[0]) >= least for field in ("title", "abstract"))

    return common


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_KEYLIKE = re.compile(r"[\d/:.]")  # DOIs, arXiv ids and citation keys have one of these


class SearchText:
    """A search's text (web-search syntax, as PostgreSQL reads it: words, "a phrase", -excluded, `or`)
    as the index's query: every word required in some field (a stopword only weighs); `relaxed`, each
    word also one typo away, and the last also as a prefix (`tinystor` for TinyStories)."""

    def __init__(self, terms: str):
        self.terms = terms.strip()
        self.clauses: list[list[tuple[bool, bool, str]]] = [[]]  # (excluded, phrase, text)
        for excluded, phrase, word in _TOKEN.findall(self.terms):
            if word and word.lower() == "or" and self.clauses[-1]:
                self.clauses.append([])
            elif word:
                negative = word.startswith("-") and len(word) > 1
                self.clauses[-1].append((negative, False, word[1:] if negative else word))
            elif phrase.strip():
                self.clauses[-1].append((bool(excluded), True, phrase))
        self.clauses = [clause for clause in self.clauses if clause]

    @property
    def relaxable(self) -> bool:
        """Whether the relaxed query would differ: one clause (no `or`) with a word to read as possibly
        misspelt or unfinished (phrases are not relaxed: for a search of a phrase alone the relaxed
        query is the same, and a phrase of common words costs 5-25 ms at a million papers)."""
        return len(self.clauses) == 1 and any(not excluded and not phrase for excluded, phrase, _ in self.clauses[0])

    def query(self, schema, *, relaxed: bool = False, common=None) -> tantivy.Query | None:
        """The index's query; `relaxed`, each word also one typo away and the last also as a prefix,
        except a word `common(word)` says many papers have as typed (neither misspelt nor unfinished);
        None where that leaves no word to read otherwise."""
        parts, self._loosened = [], False
        for n, clause in enumerate(self.clauses):
            last = n == len(self.clauses) - 1
            built = self._clause(schema, clause, relaxed=relaxed, prefix_last=relaxed and last, common=common)
            if built is not None:
                parts.append((tantivy.Occur.Should, built))
        if (pasted := self._identifiers(schema)) is not None:
            parts.append((tantivy.Occur.Should, pasted))
        if relaxed and not self._loosened:
            return None
        if len(parts) == 1:  # unwrapped: a plain union of fields is what top-k pruning (block-max WAND) skips best
            return parts[0][1]
        return tantivy.Query.boolean_query(parts) if parts else None

    def _clause(self, schema, clause, *, relaxed: bool, prefix_last: bool, common=None) -> tantivy.Query | None:
        meaningful = [t for e, p, t in clause if not e and (p or t.lower() not in STOPWORDS)]
        parts = []
        for i, (excluded, phrase, text) in enumerate(clause):
            # quoted means as typed, a one-word phrase too; and so does a word many papers have
            relax = relaxed and not excluded and not phrase and not (common and common(text))
            prefix = relax and prefix_last and i == len(clause) - 1
            typed = NAMES.analyze(text) if relax else []
            self._loosened |= len(typed) == 1 and (len(text) >= TYPO_FROM or (prefix and len(typed[0]) >= 3))
            matched = self._anywhere(schema, text, phrase=phrase, relaxed=relax, prefix=prefix)
            if matched is None:
                continue
            if excluded:
                parts.append((tantivy.Occur.MustNot, matched))
            elif phrase or text.lower() not in STOPWORDS or not meaningful:
                parts.append((tantivy.Occur.Must, matched))
            else:
                parts.append((tantivy.Occur.Should, matched))
        if parts and all(occur == tantivy.Occur.MustNot for occur, _ in parts):  # `-word` alone: all but those
            parts.insert(0, (tantivy.Occur.Must, tantivy.Query.all_query()))
        if len(parts) == 1 and parts[0][0] == tantivy.Occur.Must:
            return parts[0][1]
        return tantivy.Query.boolean_query(parts) if parts else None

    @staticmethod
    def _anywhere(schema, text: str, *, phrase: bool, relaxed: bool, prefix: bool) -> tantivy.Query | None:
        """The text found in any field, weighed by the field's weight. Words found together (a phrase,
        or a word the analyzer splits, "state-of-the-art") in the title, abstract or notes are looked
        for among the papers that have each of their pairs (PAIRS)."""
        parts = []
        for field, weight in FIELDS.items():
            tokens = _ANALYZERS[field].analyze(text)
            if not tokens:
                continue
            if len(tokens) > 1:
                query = tantivy.Query.phrase_query(schema, field, tokens)
                if _ANALYZERS[field] is WORDS:  # among the papers with its pairs: a field each, so that the
                    # pairs' short postings lead (a union of the fields' phrases would walk each one's own)
                    query = tantivy.Query.boolean_query([*_having_pairs(schema, tokens), (tantivy.Occur.Must, query)])
                parts.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, weight)))
                continue
            query = tantivy.Query.term_query(schema, field, tokens[0])
            alike = []
            if relaxed and len(text) >= TYPO_FROM:
                alike.append(tantivy.Query.fuzzy_term_query(schema, field, tokens[0], distance=1))
            if prefix and len(typed := NAMES.analyze(text)) == 1 and len(typed[0]) >= 3:
                alike.append(tantivy.Query.fuzzy_term_query(schema, field, typed[0], distance=0, prefix=True))
            if alike:  # the word as typed still scores above its neighbours
                query = tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, tantivy.Query.boost_query(query, 2.0))]
                    + [(tantivy.Occur.Should, tantivy.Query.const_score_query(q, 0.1)) for q in alike]
                )
            parts.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, weight)))
        return tantivy.Query.boolean_query(parts) if parts else None

    def _identifiers(self, schema) -> tantivy.Query | None:
        """A DOI, an arXiv id (in any form one pastes them) or a citation key, looked up as a whole."""
        if not self.terms or any(c.isspace() for c in self.terms) or not _KEYLIKE.search(self.terms):
            return None  # a plain word is no identifier: its search stays a plain union of fields
        keys = {self.terms, self.terms.lower()}
        for read in (identifiers.doi, identifiers.arxiv_id):
            try:
                if value := read(self.terms):
                    keys.add(value.lower())
            except identifiers.NotAnIdentifier:
                pass
        terms = [tantivy.Query.term_query(schema, "ids", key) for key in sorted(keys)]
        return tantivy.Query.boost_query(
            tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in terms]), IDENTIFIER_BOOST
        )


# Indexing


def _document(row) -> tantivy.Document:
    pk, title, abstract, authors, keys, more = row
    title, abstract = title or "", abstract or ""
    pairs = " ".join(" ".join(word_pairs(WORDS.analyze(text))) for text in (title, abstract, more) if text)
    return tantivy.Document(
        id=pk, title=title, abstract=abstract, authors=authors, ids=keys, more=more, **{PAIRS: pairs}
    )


def _having_pairs(schema, tokens: list[str]) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    """Clauses requiring each pair of the tokens, scoring nothing."""
    pairs = sorted(set(word_pairs(tokens)))
    return [
        (tantivy.Occur.Must, tantivy.Query.const_score_query(tantivy.Query.term_query(schema, PAIRS, p), 0.0))
        for p in pairs
    ]


def word_pairs(tokens: list[str]) -> list[str]:
    """Each two neighbouring tokens as one term ("more_the", "the_more")."""
    return list(map("_".join, pairwise(tokens)))


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
