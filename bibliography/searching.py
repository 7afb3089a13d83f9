"""Searching papers: one rule for the API, the admin and the export command.

Where the search index is current (bibliography/search_index.py), it finds and ranks a search's
matches: every match ranked (BM25), a misspelt word or an unfinished last word found when the words as
typed find fewer than ten papers, and the database only filters and lists the best of them. Otherwise
(the index not built yet, or changes not yet taken in), PostgreSQL's full-text search does, as below.

A search finds papers by their words (title and abstract, web-search syntax: `"a phrase"`,
`-excluded`, `or`; when the words as typed find fewer than PREFIX_BELOW papers, the last word also
as a prefix, as one types: `tinystor` finds TinyStories), by an exact title, by an identifier pasted
in any form (`https://doi.org/10.…`, `arXiv:2305.07759v2`, a citation key), by an author's name,
alone or with words of the paper (`kaplan scaling`), by a curator's note, and by the text of an
attached file (a sentence of its PDF). Ranked, an exact title or identifier comes first, then
title words weigh above abstract words, and a match of an author's name counts as a title word.

Ranking (`ts_rank`) reads the full-text vector of every match, and for a word most papers contain
that is the whole table: seconds at a million papers. A ranked search therefore ranks the newest
RANK_WINDOW matches only (every match when there are fewer), plus any paper titled or identified
exactly as searched. Finding those newest matches cheaply depends on how common the words are:

- common words (a large share of the papers match): read papers newest first and keep the matches;
  a couple of thousand rows in, the window is full;
- rarer words: that same walk would test tens of thousands of vectors (each a TOAST fetch) before
  filling the window, so instead intersect the full-text index with the newest slice of ids, a
  slice sized from the planner's estimate of how many papers match, and widen it as far as the
  matches found in it say it needs.
"""

import heapq
import json
import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, connections, transaction
from django.db.models import Case, F, FloatField, Func, JSONField, Max, Min, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Coalesce

from bibliography import highlighting, identifiers, search_index, text
from bibliography.models import Attachment, Authorship, Note, Paper
from bibliography.vocabulary import NAME_SEARCH_CONFIG, SEARCH_CONFIG

RANK_WINDOW = 2000
# How many of the search index's best matches a list can page through in order of relevance: looking
# each up by id, and ranking them, costs about 13 µs (13 ms for 1,000 at a million papers).
INDEX_WINDOW = 500
# Above this share of papers matching, walking newest first fills the window fastest.
COMMON_SHARE = 0.15
# Papers of authors matched by name, written into the query as a list up to this many (the indexes
# then combine it with the others); beyond it, as a subquery.
AUTHOR_PAPERS_LISTED = 5000
# A search whose words find fewer papers than this reads its last word as a prefix too. Not always:
# a prefix makes ranking slower (8 ms more for a page of a common word at a million papers, with
# its snippets), and stemming already finds a whole word's other forms.
PREFIX_BELOW = 10
# A filtered list whose filters leave fewer of the index's best matches than this ranks the newest too.
FEW_OF_BEST = 100
EXACT_BONUS = 10.0
AUTHOR_BONUS = 0.1

_PLAIN_WORD = re.compile(r"[^\W_][\w'’.]*")  # no quotes, no leading - (an excluded word)
# The words that are in some author's name.
_NAMING_WORDS = """
SELECT word FROM unnest(%s::text[]) word
WHERE EXISTS (SELECT FROM bibliography_author a WHERE a.search_vector @@ plainto_tsquery(%s::regconfig, word))
"""
_LAST_WORD = re.compile(r"(?:^|\s)([^\W_]{3,})\s*$")
_NO_PREFIX_AFTER = re.compile(r"(-|\bor)$", re.IGNORECASE)  # `-word` excludes it; `a or b` is either


class Search:
    """What a search text asks for, read once."""

    def __init__(self, terms: str, *, prefix: bool = False):
        self.terms = terms.strip()
        words = SearchQuery(self.terms, search_type="websearch", config=SEARCH_CONFIG)
        last = _LAST_WORD.search(self.terms)
        rest = self.terms[: last.start(1)].rstrip() if last else ""
        self.can_be_prefix = bool(
            last and last.group(1).lower() != "or" and not _NO_PREFIX_AFTER.search(rest) and rest.count('"') % 2 == 0
        )
        if prefix and self.can_be_prefix:
            last_word = SearchQuery(f"{last.group(1)}:*", search_type="raw", config=SEARCH_CONFIG)
            words = SearchQuery(rest, search_type="websearch", config=SEARCH_CONFIG) & last_word if rest else last_word
        self.words, self.prefix = words, prefix and self.can_be_prefix
        self._marks: highlighting.Marks | None = None
        self.names = SearchQuery(self.terms, search_type="websearch", config=NAME_SEARCH_CONFIG)
        self.title_key = text.title_key(self.terms)
        self.hits: search_index.Hits | None = None  # what the search index found, where it was asked
        self.unfiltered = None  # the condition of its matches among all papers, where the index found them
        self.papers: QuerySet | None = None  # the papers it searched, where that condition is theirs

    def as_prefix(self) -> "Search":
        """The same search with its last word also read as a prefix (`tinystor` for TinyStories)."""
        return Search(self.terms, prefix=True)

    def exact(self) -> Q:
        """Papers titled or identified exactly as searched."""
        exact = Q(title_key=self.title_key) if self.title_key else Q(pk__in=[])  # paper_title_key_idx
        for field, read in (("doi", identifiers.doi), ("arxiv_id", identifiers.arxiv_id)):
            try:
                if value := read(self.terms):
                    exact |= Q(**{field: value})  # unique
            except identifiers.NotAnIdentifier:
                pass
        if self.terms and " " not in self.terms:
            exact |= Q(citation_key=self.terms)  # unique
        return exact

    def found_elsewhere(self, *, listed: bool = True) -> Q:
        """Papers found outside their own text: by their authors' names, by an author's name and
        words of their text, by curators' notes, or by the text of their attached files, read in one
        query (ids listed inline when few; a semi-join when many, or when not `listed`)."""
        authorships = Authorship.objects.filter(author__search_vector=self.names)  # author_search_vector_idx
        notes = Note.objects.filter(search_vector=self.words)  # note_search_vector_idx
        files = Attachment.objects.filter(search_vector=self.words)  # attachment_search_vector_idx
        others = [notes.values_list("paper_id", flat=True), files.values_list("paper_id", flat=True)]
        if (named := self.named_with_words()) is not None:
            others.append(named)
        if listed:
            found = authorships.values_list("paper_id", flat=True).union(*others)
            ids = list(found[: AUTHOR_PAPERS_LISTED + 1])
            if len(ids) <= AUTHOR_PAPERS_LISTED:
                return Q(id__in=ids) if ids else Q(pk__in=[])
        return (
            Q(id__in=authorships.values("paper_id"))
            | Q(id__in=notes.values("paper_id"))
            | Q(id__in=files.values("paper_id"))
            | (Q(id__in=named) if named is not None else Q(pk__in=[]))
        )

    def named_with_words(self) -> QuerySet | None:
        """For plain words, some of which name an author ("kaplan scaling laws"): ids of the papers
        by such an author whose own text has the other words. None when no word names an author, or
        every word does (the name search finds those), or the search has operators."""
        words = self.terms.split()
        if len(words) < 2 or not all(_PLAIN_WORD.fullmatch(word) for word in words):
            return None
        if any(word.lower() == "or" for word in words):
            return None
        with connection.cursor() as cursor:
            cursor.execute(_NAMING_WORDS, [words, NAME_SEARCH_CONFIG])  # author_search_vector_idx, once a word
            naming = {word for (word,) in cursor.fetchall()}
        rest = [word for word in words if word not in naming]
        if not naming or not rest:
            return None
        names = SearchQuery(" ".join(sorted(naming)), search_type="plain", config=NAME_SEARCH_CONFIG)
        text = SearchQuery(" ".join(rest), search_type="plain", config=SEARCH_CONFIG)
        by_them = Authorship.objects.filter(author__search_vector=names).values("paper_id")
        return Paper.objects.filter(search_vector=text, id__in=by_them).values_list("id", flat=True)

    def matches(self) -> Q:
        return Q(search_vector=self.words) | self.exact() | self._elsewhere_q  # paper_search_vector_idx

    def relevance(self):
        exact = Case(When(self.exact(), then=Value(EXACT_BONUS)), default=Value(0.0), output_field=FloatField())
        if self.hits is not None:  # every score it found, also those of exact matches a first page adds
            return _scored(self.hits.scores) + exact
        elsewhere = Case(
            When(self._elsewhere_q, then=Value(AUTHOR_BONUS)), default=Value(0.0), output_field=FloatField()
        )
        return (
            SearchRank(F("search_vector"), self.words, weights=[0.1, 0.2, 0.4, 1.0], normalization=1)
            + exact
            + elsewhere
        )

    def snippet(self, abstract: str) -> str:
        """The passages of the abstract with the search's words, marked (bibliography/highlighting.py)."""
        if self._marks is None:
            relaxed = self.hits is not None and self.hits.relaxed  # words one typo away, the last as a prefix
            self._marks = highlighting.Marks.of(self.terms, prefix=self.prefix or relaxed, typos=relaxed)
        return highlighting.snippet(abstract, self._marks)

    def ranked(self, matches: QuerySet, *, expected: float | None = None, first: int | None = None) -> QuerySet:
        """These matches as a ranked list shows them, with their relevance: the newest
        RANK_WINDOW of them and those found exactly (rank_window); most relevant first.
        `expected`: how many matches there are, when counted already; `first`: how many rows the list
        reads, where it reads only the first ones (a first page)."""
        if self.hits is not None:
            best = self.best_of(matches, expected=expected, first=first)
            return self.with_relevance(best).order_by("-relevance", "-id")
        ids = rank_window(matches, self, expected=expected)
        # the ids passed every filter already: testing them again would rebuild the full-text index's
        # bitmap of every match (15 ms for a word in 6% of a million papers)
        ranked = self.with_relevance(matches.model.objects.filter(id__in=ids))
        return ranked.order_by("-relevance", "-id")

    def best_of(self, matches: QuerySet, *, expected: float | None, first: int | None = None) -> QuerySet:
        """The index's best matches that are among these (filters may have left out some), and those
        found exactly. Where filters left out most of them while more papers match, the newest
        matches are added (rank_window), so that a filtered list is never empty for that reason.
        With no other filter, a list that reads only its `first` rows gets the best that many."""
        scores = self.hits.scores
        if matches.query.where == self.unfiltered:  # every one of the best is a match: listed without
            # the match's subqueries (1 ms of planning), and a first page looks up only its own ids
            # (looking up 500 cost 6 ms of a 17 ms search); the same order as ranked below
            ids = heapq.nlargest(first, scores, key=lambda pk: (scores[pk], pk)) if first else scores.keys()
            return self.papers.filter(Q(id__any=ids) | self.exact())
        best = matches.filter(Q(id__any=scores.keys()) | self.exact())
        if self.hits.listed_in_full:
            return best
        kept = best.order_by()[:FEW_OF_BEST].count()
        if kept < FEW_OF_BEST and (expected is None or expected > kept):
            newest = rank_window(matches, self, expected=expected)
            return matches.model.objects.filter(id__any=[*best.values_list("id", flat=True), *newest])
        return best

    def counted(self, matches: QuerySet) -> tuple[int, bool] | None:
        """How many of these papers match, exactly, where the search index answered: the papers it
        listed (a list of ids, counted), or its count of every match where no other filter applies
        (None otherwise: count them as any list)."""
        if self.hits is None:
            return None
        if self.hits.listed_in_full:  # a list of ids: no estimate needed to count it
            return matches.order_by().count(), False
        if matches.query.where == self.unfiltered:
            return self.hits.count, False
        return None

    def with_relevance(self, matches: QuerySet) -> QuerySet:
        """These matches with their relevance, in whatever order they are listed (a page's snippets
        are made from its rows: `snippet`)."""
        return matches.annotate(relevance=self.relevance())

    @property
    def _elsewhere_q(self) -> Q:
        if not hasattr(self, "_elsewhere"):
            self._elsewhere = self.found_elsewhere()
        return self._elsewhere


def found(papers: QuerySet, terms: str) -> tuple[QuerySet, Search | None]:
    """The papers a search finds, and the search that found them, which ranks them; for a search
    without words, all the papers and no search."""
    if not terms.strip():
        return papers, None
    search = Search(terms)
    if (hits := search_index.hits(search.terms, INDEX_WINDOW, relax_below=PREFIX_BELOW)) is not None:
        search.hits = hits
        # the ids as a dict's keys: Django resolves a list's values one by one (1 ms for 500)
        best = Q(id__any=hits.scores.keys()) | search.exact()
        if hits.listed_in_full:
            matches = papers.filter(best)
        else:
            # More than the index lists: its best, or the database's own match (of the words, the
            # authors' names, notes, files: as subqueries, run only where a filter or a count reaches
            # past the best), so that other filters and the count see every match. The best come
            # first: testing one of them reads no vector and runs no subquery.
            matches = papers.filter(best | Q(search_vector=search.words) | search.found_elsewhere(listed=False))
        search.unfiltered, search.papers = not papers.query.where and matches.query.where, papers
        return matches, search
    matches = papers.filter(search.matches())
    if search.can_be_prefix and _fewer_than(matches, PREFIX_BELOW):
        search = search.as_prefix()
        matches = papers.filter(search.matches())
    return matches, search


def _fewer_than(matches: QuerySet, count: int) -> bool:
    """Whether these matches are fewer than `count`. Asked with a LIMIT alone, the planner walks the
    papers newest first, testing each, expecting to meet `count` matches soon: right for words it
    knows are common, but for a word it guesses medium that few papers have (no statistics for it)
    the walk read the whole table (0.9-1.1 s at a million papers). Unless the words are known to be
    common, a bitmap of the indexes' matches is made (milliseconds when they are not common), and the
    LIMIT stops the reading of the table after `count` rows."""
    bounds = matches.model.objects.aggregate(newest=Max("id"), oldest=Min("id"))
    if estimated_rows(matches) >= COMMON_SHARE * ((bounds["newest"] or 0) - (bounds["oldest"] or 0) + 1):
        return matches[:count].count() < count
    with transaction.atomic(using=matches.db, savepoint=False), connections[matches.db].cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        try:
            return matches.order_by()[:count].count() < count
        finally:  # the caller's transaction goes on
            cursor.execute("RESET enable_seqscan; RESET enable_indexscan")


def _scored(scores: dict[int, float]):
    """The search index's score of each paper (0 for one it did not rank), looked up in a JSON object
    passed once, by id."""
    listed = Cast(Value(json.dumps({str(pk): score for pk, score in scores.items()})), JSONField())
    score = Func(listed, Cast("id", TextField()), function="jsonb_extract_path_text", output_field=TextField())
    return Coalesce(Cast(score, FloatField()), Value(0.0))


def rank_window(matches: QuerySet, search: Search, *, expected: float | None = None) -> list[int]:
    """Ids of the newest RANK_WINDOW of these matches (all when fewer), and of those found exactly;
    `expected` is how many matches there are, if known (else the planner's estimate is asked)."""
    window = RANK_WINDOW
    exact = list(matches.filter(search.exact()).values_list("id", flat=True)[:10])
    bounds = matches.model.objects.aggregate(newest=Max("id"), oldest=Min("id"))
    newest_id, oldest_id = bounds["newest"] or 0, bounds["oldest"] or 0
    spread = newest_id - oldest_id + 1
    estimate = estimated_rows(matches) if expected is None else expected
    if estimate >= COMMON_SHARE * spread:
        ids = list(matches.order_by("-id").values_list("id", flat=True)[:window])  # pkey, read backwards
        return ids + exact
    span = 2 * window * spread / max(estimate, 1)
    while True:
        lowest = newest_id - span
        # `id + 0`: sorted after the fact, so the planner intersects the full-text index with the id
        # range instead of walking the primary key and testing every vector on the way.
        in_slice = matches.filter(id__gt=lowest).annotate(newest=F("id") + 0).order_by("-newest")
        ids = list(in_slice.values_list("id", flat=True)[:window])
        if len(ids) >= window or lowest < oldest_id:
            return ids + exact
        # Widen to where the matches found so far say the window fills (matches are not spread evenly
        # over ids: a file of one subject arrives at once), with a margin; a slice four times as
        # wide as needed reads four times the heap pages.
        span *= max(1.5, min(4.0, 1.25 * window / max(len(ids), 1)))


# Lists say how many records match: exactly up to this many, above it the planner's estimate.
EXACT_COUNT_LIMIT = 10_000


def counted(queryset) -> tuple[int, bool]:
    """How many rows the queryset has, and whether that is an estimate: exact up to
    EXACT_COUNT_LIMIT (a count that stops there), the planner's estimate above it, so that no list
    counts a million rows. Where the planner guessed low, the count says "at least" that many."""
    ids = queryset.order_by().values("pk")
    estimate = int(estimated_rows(ids))
    if estimate > EXACT_COUNT_LIMIT:
        return estimate, True
    exact = ids[: EXACT_COUNT_LIMIT + 1].count()
    return exact, exact > EXACT_COUNT_LIMIT


def estimated_rows(queryset: QuerySet) -> float:
    """The planner's estimate of how many rows the queryset has (0 for one Django knows is empty)."""
    plan = queryset.order_by().values("pk").explain(format="json")  # blank for a query known to be empty
    return json.loads(plan)[0]["Plan"]["Plan Rows"] if plan else 0
