"""Finding papers that may be one, and remembering a curator's "not a duplicate"."""

import os
import re
import threading
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from . import text
from .models import (
    AuthorRole,
    Authorship,
    DuplicateCandidate,
    DuplicateReason,
    DuplicateStatus,
    Paper,
    WaitingPaper,
)
from .title_bands import BANDS, bands_text, title_sketches

# pg_trgm similarity of normalised titles above which two titles are "near-identical".
TITLE_SIMILARITY = 0.8

# How many waiting papers one transaction bands and compares: a killed search loses at most this many.
BATCH = 2_000

# Connections that take batches of waiting papers at once: the search's time is the database's, one
# core per connection (PostgreSQL's backends), so one per core of this machine, which on the embedded
# server is the database's, up to four.
WORKERS = min(4, os.cpu_count() or 1)

_INSERT = """
INSERT INTO bibliography_duplicatecandidate (paper_a_id, paper_b_id, reason, similarity, status, found_at)
SELECT DISTINCT ON (1, 2) * FROM ({select}) found
ON CONFLICT (paper_a_id, paper_b_id) DO NOTHING
"""

# Two records of one work may differ in their year by a preprint's delay; beyond that they are two
# works. A short title says little ("Introduction", "Interview", "Editorial"): then another first
# author, whose family name is not in the other's name (records invert names), means another work.
# A long title shared is kept a pair whoever comes first, as sources get author lists wrong.
SHORT_TITLE_WORDS = 5
_AGREE = f"""
    NOT (n.year IS NOT NULL AND o.year IS NOT NULL AND abs(n.year - o.year) > 2)
    AND NOT EXISTS (
        SELECT FROM bibliography_first_author(n.id) na, bibliography_first_author(o.id) oa
        WHERE array_length(regexp_split_to_array(n.title_key, ' '), 1) <= {SHORT_TITLE_WORDS}
            AND na[1] <> '' AND oa[1] <> ''
            AND strpos(oa[2], ' ' || na[1] || ' ') = 0 AND strpos(na[2], ' ' || oa[1] || ' ') = 0
    )
"""

# With every paper compared (`everything`), a pair is looked for from its newer paper only.
_OLDER = "AND o.id < n.id"

# Each paper's others are found by an index lookup of their own (a LATERAL subquery, which OFFSET 0
# keeps unflattened): as a join, a planner whose statistics lag behind a large import merges the
# batch with the whole library, sorted, for every batch.

# An arXiv paper's DOI is 10.48550/arxiv.<id>: the same paper under its two identifiers.
_SAME_IDENTIFIER = """
SELECT LEAST(n.id, o.id), GREATEST(n.id, o.id), 'identifier', 1.0::float, 'open', now()
FROM bibliography_paper n CROSS JOIN LATERAL (
    SELECT id FROM bibliography_paper WHERE doi = '10.48550/arxiv.' || lower(n.arxiv_id) AND id <> n.id OFFSET 0
) o
WHERE n.id = ANY(%(ids)s) {older}
UNION ALL
SELECT LEAST(n.id, o.id), GREATEST(n.id, o.id), 'identifier', 1.0::float, 'open', now()
FROM bibliography_paper n CROSS JOIN LATERAL (
    SELECT id FROM bibliography_paper WHERE lower(arxiv_id) = substr(n.doi, 16) AND id <> n.id OFFSET 0
) o
WHERE n.id = ANY(%(ids)s) AND n.doi LIKE '10.48550/arxiv.%%' {older}
"""

_SAME_ABSTRACT = """
SELECT LEAST(n.id, o.id), GREATEST(n.id, o.id), 'abstract', 1.0::float, 'open', now()
FROM bibliography_paper n CROSS JOIN LATERAL (
    SELECT id, year FROM bibliography_paper WHERE abstract_key = n.abstract_key AND id <> n.id OFFSET 0
) o
WHERE n.id = ANY(%(ids)s) {older} AND {agree}
"""

# Titles of m and n trigrams are at most min(m, n) / max(m, n) alike (title_bands.trigram_counts): a
# pair that shares a band by chance is mostly told apart by that, before it is read and compared.
_SIZES = """(
    {a}.grams IS NULL OR {b}.grams IS NULL
    OR least({a}.grams, {b}.grams) >= %(similarity)s * greatest({a}.grams, {b}.grams)
)"""

# Only papers that share a band key are compared (bibliography/title_bands.py): an index lookup per
# paper instead of a trigram probe, which on common words reads a large part of the library. The
# titles compared are the sketches' own, so that the papers are read only for pairs found alike. Each
# step is a LATERAL lookup (OFFSET 0 keeps the planner from flattening it): guessing how many papers
# share a key, the planner would otherwise read every paper or compare every pair.
_SIMILAR_TITLE = """
SELECT LEAST(n.id, o.id), GREATEST(n.id, o.id), 'title', os.alike, 'open', now()
FROM bibliography_titlesketch ns
CROSS JOIN LATERAL (
    SELECT paper_id, similarity(os.title_key, ns.title_key) AS alike FROM bibliography_titlesketch os
    WHERE os.bands && ns.bands AND os.paper_id <> ns.paper_id AND {sizes}
        AND similarity(os.title_key, ns.title_key) >= %(similarity)s OFFSET 0
) os
CROSS JOIN LATERAL (SELECT id, title_key, year FROM bibliography_paper WHERE id = ns.paper_id OFFSET 0) n
CROSS JOIN LATERAL (SELECT id, title_key, year FROM bibliography_paper WHERE id = os.paper_id OFFSET 0) o
WHERE ns.paper_id = ANY(%(ids)s) {older} AND {agree}
"""

# Over the whole library, pairs come from a join of the library with itself on one band's key at a
# time (a hash join: each band read once), not from a probe of the index per paper: at a million
# papers 24 reads of the table instead of 24 million index lookups.
_SHARED_BAND = """
INSERT INTO shared_band
SELECT a.paper_id, b.paper_id FROM bibliography_titlesketch a
JOIN bibliography_titlesketch b ON b.bands[%(band)s] = a.bands[%(band)s] AND b.paper_id < a.paper_id
WHERE {sizes}
"""

# Titles whose sketches are in hand (an import's new papers, compared while the import writes them)
# against those of a table: _SIMILAR_TITLE's lookup, one per title.
_ALIKE = """
SELECT ns.paper_id, os.paper_id, os.alike
FROM (
    SELECT paper_id, bands::bigint[] AS bands, grams, title_key
    FROM unnest(%(ids)s::bigint[], %(bands)s::text[], %(grams)s::smallint[], %(keys)s::text[])
        n(paper_id, bands, grams, title_key)
) ns
CROSS JOIN LATERAL (
    SELECT paper_id, similarity(os.title_key, ns.title_key) AS alike FROM {sketches} os
    WHERE os.bands && ns.bands AND os.paper_id {other} ns.paper_id AND {sizes}
        AND similarity(os.title_key, ns.title_key) >= %(similarity)s OFFSET 0
) os
"""

# Pairs found alike elsewhere, kept if the two papers' titles are still alike and they agree.
_PAIRS = """
SELECT LEAST(n.id, o.id), GREATEST(n.id, o.id), 'title', pair.alike, 'open', now()
FROM unnest(%(n)s::bigint[], %(o)s::bigint[], %(alike)s::float[]) pair(n_id, o_id, alike)
CROSS JOIN LATERAL (SELECT id, title_key, year FROM bibliography_paper WHERE id = pair.n_id OFFSET 0) n
CROSS JOIN LATERAL (SELECT id, title_key, year FROM bibliography_paper WHERE id = pair.o_id OFFSET 0) o
WHERE similarity(n.title_key, o.title_key) >= %(similarity)s AND {agree}
"""

_SIMILAR_PAIR = """
SELECT LEAST(n.id, o.id), GREATEST(n.id, o.id), 'title', pair.alike, 'open', now()
FROM (
    SELECT pair.n_id, pair.o_id, similarity(ns.title_key, os.title_key) AS alike
    FROM (SELECT DISTINCT n_id, o_id FROM shared_band) pair
    JOIN bibliography_titlesketch ns ON ns.paper_id = pair.n_id
    JOIN bibliography_titlesketch os ON os.paper_id = pair.o_id
    WHERE similarity(ns.title_key, os.title_key) >= %(similarity)s OFFSET 0
) pair
JOIN bibliography_paper n ON n.id = pair.n_id JOIN bibliography_paper o ON o.id = pair.o_id
WHERE {agree}
"""

# From where the last batch stopped, in every table: a merge join would read the papers (or sketches)
# from the first, and read from the start each batch is quadratic at a million papers. The papers
# are held as their keys are, by the checks of the rows the batch writes: were they checked only at
# the commit, a curator changing a paper's DOI or citation key meanwhile would wait for the batch's
# queue row while the batch waited for the paper, a deadlock. One being changed is left for later.
# Searching side by side, connections take only papers whose keys are committed (`{sketched}`): one
# connection cannot see the keys another is making, and two papers keyed at once would never meet.
_WAITING = """
SELECT w.paper_id, p.title_key, s.bands IS NOT NULL
FROM bibliography_waitingpaper w JOIN bibliography_paper p ON p.id = w.paper_id
{sketched} JOIN bibliography_titlesketch s ON s.paper_id = w.paper_id AND s.paper_id > %(after)s
WHERE w.paper_id > %(after)s AND p.id > %(after)s {keyed}
ORDER BY w.paper_id LIMIT %(batch)s FOR UPDATE OF w SKIP LOCKED FOR KEY SHARE OF p SKIP LOCKED
"""
_WAITING_ANY = _WAITING.format(sketched="LEFT", keyed="")
_WAITING_KEYED = _WAITING.format(sketched="", keyed="AND s.bands IS NOT NULL")

# A paper leaves the queue with keys only: keys emptied by a change of title committed after the
# batch read them, before it locked the paper, were not compared (the change queues the paper again,
# and its keys are made on the next pass).
_DEQUEUE = """
DELETE FROM bibliography_waitingpaper w USING bibliography_titlesketch s
WHERE w.paper_id = ANY(%s) AND s.paper_id = w.paper_id AND s.bands IS NOT NULL
"""

_SET_BANDS = """
INSERT INTO bibliography_titlesketch (paper_id, bands, grams, title_key)
SELECT paper_id, bands::bigint[], grams, title_key
FROM unnest(%s::bigint[], %s::text[], %s::smallint[], %s::text[]) v(paper_id, bands, grams, title_key)
ON CONFLICT (paper_id) DO UPDATE SET bands = EXCLUDED.bands, grams = EXCLUDED.grams, title_key = EXCLUDED.title_key
"""


def duplicates_find(
    *,
    everything: bool = False,
    title_similarity: float = TITLE_SIMILARITY,
    on_progress=lambda done: None,
    workers: int = WORKERS,
) -> int:
    """Record candidate pairs for the papers waiting for the search (new or changed since it last
    ran), or with `everything`, among all papers. Pairs already known, open or dismissed, are left as
    they are. Each batch of papers commits on its own, so a stopped search resumes where it stopped
    (the comparison of every title with every other, last, is one transaction). The waiting papers
    are taken by `workers` connections at once, unless the caller is in a transaction, whose papers
    only its own connection sees. Returns how many pairs were added."""
    taken, added = _Taken(), 0
    if workers > 1 and not connection.in_atomic_block:  # then the papers without keys, on this connection
        side_by_side = partial(_search_waiting, taken, everything, title_similarity, sketched=True)
        added += _in_parallel(workers, side_by_side, taken, on_progress)
    added += _search_waiting(taken, everything, title_similarity, on_progress)
    if everything:
        last, start, papers = 0, taken.papers, 0
        while ids := list(Paper.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]):
            added += _compare(ids, title_similarity, older=_OLDER, titles=False)
            last, papers = ids[-1], papers + len(ids)
            on_progress(start + papers // 2)
        added += _compare_titles_everywhere(
            title_similarity, lambda band: on_progress(start + papers * (BANDS + band) // (2 * BANDS))
        )
    return added


class _Taken:
    """How many waiting papers the search's connections have compared, and whether they are to stop."""

    def __init__(self):
        self.papers = 0
        self.stop = threading.Event()
        self._lock = threading.Lock()

    def add(self, papers: int) -> int:
        with self._lock:
            self.papers += papers
            return self.papers


def _search_waiting(
    taken: _Taken, everything: bool, title_similarity: float, on_progress=None, *, sketched: bool = False
) -> int:
    """Batch after batch of the waiting papers that no other connection holds (with `sketched`, only
    those whose keys are made), until none is left."""
    added = after = 0
    while not taken.stop.is_set():
        with transaction.atomic():  # a batch leaves the queue only with its comparisons
            ids = _sketch_waiting(after, sketched=sketched)
            if ids and not everything:
                added += _compare(ids, title_similarity, older="")
            if ids:
                with connection.cursor() as cursor:
                    cursor.execute(_DEQUEUE, [ids])
        if not ids and not after:
            break
        after = ids[-1] if ids else 0  # at the end, once more from the start: papers changed behind it
        done = taken.add(len(ids))
        if on_progress:
            on_progress(done)
    return added


def _in_parallel(workers: int, search, taken: _Taken, on_progress) -> int:
    """`search()` run by that many threads, each on a connection of its own; the progress is told in
    the caller's thread, and an error (or a stop, Ctrl-C) stops the others after their batch."""

    def on_own_connection() -> int:
        try:
            return search()
        except BaseException:
            taken.stop.set()
            raise
        finally:
            connection.close()

    with ThreadPoolExecutor(workers, thread_name_prefix="duplicates") as pool:
        running = [pool.submit(on_own_connection) for _ in range(workers)]
        try:
            told, pending = 0, running
            while pending:
                done, pending = futures.wait(running, timeout=0.5, return_when=futures.FIRST_EXCEPTION)
                if taken.papers != told:
                    told = taken.papers
                    on_progress(told)
                if any(future.exception() for future in done):
                    break
            return sum(future.result() for future in running)
        except BaseException:
            taken.stop.set()
            raise


def duplicates_waiting() -> int:
    """How many papers wait for the search."""
    return WaitingPaper.objects.count()


def _sketch_waiting(after: int, *, sketched: bool = False) -> list[int]:
    """The next batch of waiting papers, locked; the titles among them without keys given theirs (an
    import's new papers come with theirs)."""
    with connection.cursor() as cursor:
        cursor.execute(_WAITING_KEYED if sketched else _WAITING_ANY, {"after": after, "batch": BATCH})
        rows = cursor.fetchall()
        if unsketched := [(pk, key) for pk, key, has_keys in rows if not has_keys]:
            keys = [key for _, key in unsketched]
            bands, grams = title_sketches(keys)
            cursor.execute(_SET_BANDS, [[pk for pk, _ in unsketched], [bands_text(b) for b in bands], grams, keys])
        if rows:  # the keys written since the last batch, the import's too, merged before they are probed
            cursor.execute("SELECT gin_clean_pending_list('titlesketch_bands_idx')")
    return [pk for pk, _, _ in rows]


@transaction.atomic
def _compare(ids: list[int], title_similarity: float, *, older: str, titles: bool = True) -> int:
    added = 0
    with connection.cursor() as cursor:
        for select in (_SAME_IDENTIFIER, _SAME_ABSTRACT, *([_SIMILAR_TITLE] if titles else [])):
            query = _INSERT.format(select=select.format(older=older, agree=_AGREE, sizes=_SIZES.format(a="os", b="ns")))
            cursor.execute(query, {"ids": ids, "similarity": title_similarity})
            added += cursor.rowcount
    return added


def titles_alike(
    sketches: list[tuple[int, str, int | None, str]],
    title_similarity: float = TITLE_SIMILARITY,
    *,
    among: str = "bibliography_titlesketch",
    earlier: bool = False,
) -> list[tuple[int, int, float]]:
    """For sketches in hand (paper id, band keys as text, trigram count, folded title), the papers
    whose titles are alike among those of a table of sketches (the library's; with `earlier`, only
    those of lower ids): (paper id, the other's id, similarity). What this connection sees: on one of
    its own beside an import, the library as committed."""
    ids, bands, grams, keys = (list(column) for column in zip(*sketches, strict=True)) if sketches else ([],) * 4
    query = _ALIKE.format(sketches=among, other="<" if earlier else "<>", sizes=_SIZES.format(a="os", b="ns"))
    with connection.cursor() as cursor:
        values = {"ids": ids, "bands": bands, "grams": grams, "keys": keys}
        cursor.execute(query, {**values, "similarity": title_similarity})
        return cursor.fetchall()


def title_pairs_note(pairs: list[tuple[int, int, float]], title_similarity: float = TITLE_SIMILARITY) -> int:
    """Pairs that titles_alike() found, as candidates, those whose papers agree (_AGREE)."""
    if not pairs:
        return 0
    n, o, alike = (list(column) for column in zip(*pairs, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT.format(select=_PAIRS.format(agree=_AGREE)),
            {"n": n, "o": o, "alike": alike, "similarity": title_similarity},
        )
        return cursor.rowcount


def identifiers_compared(ids: list[int]) -> int:
    """These papers' pairs by identifier and by abstract (cheap lookups by index), not by title."""
    return _compare(ids, TITLE_SIMILARITY, older="", titles=False)


def duplicate_dismiss(*, candidate: DuplicateCandidate, by=None) -> None:
    """A curator says the two papers are different; the pair is never proposed again."""
    candidate.status = DuplicateStatus.DISMISSED
    candidate.decided_by = by
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at"])


def lookalikes(paper: Paper, *, limit: int = 5) -> list[tuple[Paper, str]]:
    """Papers that may be this one, with why: an arXiv DOI and its e-print, the same abstract, or a
    title nearly the same (trigram similarity of the folded titles at least TITLE_SIMILARITY) whose
    year and first author agree as duplicates_find() judges them. Pairs a curator dismissed are left out."""
    found: dict[int, tuple[Paper, str]] = {}
    same = Q()
    if paper.arxiv_id:
        same |= Q(doi=f"10.48550/arxiv.{paper.arxiv_id.lower()}")
    if paper.doi and paper.doi.startswith("10.48550/arxiv."):
        same |= Q(arxiv_id=paper.doi.removeprefix("10.48550/arxiv."))
    if paper.abstract_key:
        same |= Q(abstract_key=paper.abstract_key)
    if same:
        for other in Paper.objects.filter(same).exclude(pk=paper.pk).order_by("pk")[:limit]:
            reason = "the same abstract" if other.abstract_key == paper.abstract_key else "the same arXiv e-print"
            found[other.pk] = (other, reason)
    key = text.title_key(paper.title)
    if key:
        first = _first_author(paper)
        # One probe of the trigram index, for a paper in hand: other papers' band keys may not be made yet.
        similar = (
            Paper.objects.filter(title_key__trigram_similar=key)  # paper_title_key_trgm_idx
            .exclude(pk=paper.pk)
            .annotate(alike=TrigramSimilarity("title_key", key))
            .filter(alike__gte=TITLE_SIMILARITY)
            .prefetch_related(Prefetch("authorships", Authorship.objects.select_related("author")))
            .order_by("-alike", "pk")[: limit * 4]
        )
        for other in similar:
            if not told_apart(key, paper.year, first, other.year, _first_author(other)):
                found.setdefault(other.pk, (other, f"a title {other.alike:.0%} alike"))
    dismissed = DuplicateCandidate.objects.filter(status=DuplicateStatus.DISMISSED).filter(
        Q(paper_a=paper, paper_b_id__in=found) | Q(paper_b=paper, paper_a_id__in=found)
    )
    for a, b in dismissed.values_list("paper_a_id", "paper_b_id"):
        found.pop(b if a == paper.pk else a, None)
    return list(found.values())[:limit]


def duplicates_note(paper: Paper, lookalike: list[tuple[Paper, str]]) -> None:
    """Put these pairs in the curators' queue (a pair already there keeps its status)."""
    reasons = {"the same abstract": DuplicateReason.ABSTRACT, "the same arXiv e-print": DuplicateReason.IDENTIFIER}
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(
                paper_a_id=min(paper.pk, other.pk),
                paper_b_id=max(paper.pk, other.pk),
                reason=reasons.get(why, DuplicateReason.TITLE),
                similarity=getattr(other, "alike", 1.0),
            )
            for other, why in lookalike
        ],
        ignore_conflicts=True,
    )


def _first_author(paper: Paper) -> tuple[str, str]:
    first = min(
        (a for a in paper.authorships.all() if a.role == AuthorRole.AUTHOR), key=lambda a: a.position, default=None
    )
    return (first.credited_parts.family, first.credited_name) if first else ("", "")


def told_apart(
    title_key: str, year: int | None, author: tuple[str, str], other_year: int | None, other_author: tuple[str, str]
) -> bool:
    """_AGREE's rule for one pair in hand; an author is (family name, full name), the full name
    possibly blank."""
    if year and other_year and abs(year - other_year) > 2:
        return True
    (family, name), (other_family, other_name) = [(_words(f), f" {_words(n or f)} ") for f, n in (author, other_author)]
    if len(title_key.split()) > SHORT_TITLE_WORDS or not (family and other_family):
        return False
    return f" {family} " not in other_name and f" {other_family} " not in name


def _words(name: str) -> str:
    return " ".join(re.split(r"[^a-z0-9]+", text.name_key(name))).strip()


@transaction.atomic
def _compare_titles_everywhere(title_similarity: float, on_band) -> int:
    """Every pair of papers sharing a band key whose titles are alike, in one transaction: the
    pairs of each band are gathered (one join each, with the memory a hash of the library needs),
    then compared once."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("CREATE TEMPORARY TABLE shared_band (n_id bigint, o_id bigint) ON COMMIT DROP")
        shared_band = _SHARED_BAND.format(sizes=_SIZES.format(a="a", b="b"))
        for band in range(1, BANDS + 1):
            cursor.execute(shared_band, {"band": band, "similarity": title_similarity})
            on_band(band)
        cursor.execute("ANALYZE shared_band")
        cursor.execute(_INSERT.format(select=_SIMILAR_PAIR.format(agree=_AGREE)), {"similarity": title_similarity})
        added = cursor.rowcount
        cursor.execute("DROP TABLE shared_band")  # now, should the caller's transaction go on
        return added
