"""Papers like a paper ("more like this"), from the words of its title and abstract.

The paper's most telling words are those of its full-text vector that few other papers have,
weighed as search engines' "more like this" weighs them (log N/df, a title word twice). How many
papers have a common word comes from the planner's statistics of the vector column (pg_stats' most
common elements, refreshed by ANALYZE); the others are counted in the full-text index, each up to
RARE_COUNTED papers. The candidates are the papers that share at least two of its TOP_WORDS most
telling words (or one, when too few share two), which the index finds without reading the papers
that share only a common word; they are ranked by the summed weight of the words they share.
"""

import math
from dataclasses import dataclass
from itertools import combinations

from django.contrib.postgres.search import SearchQuery, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, FloatField, Q, QuerySet, Value, When

from bibliography import text
from bibliography.models import Paper

TOP_WORDS = 20
# A word more than this share of papers have says little about what a paper is about (in a small
# library, a word of up to COMMON_AT_LEAST papers still tells).
COMMON_SHARE = 0.05
COMMON_AT_LEAST = 20
TITLE_WEIGHT = 2.0
SHOWN = 10
# Papers titled most alike are candidates too, and title likeness counts this much beside the words.
TITLED = 20
TITLE_BLEND = 1.0
# A word the planner does not list is counted, up to this many papers (beyond, it is common anyway).
RARE_COUNTED = 5000


@dataclass(frozen=True)
class Word:
    lexeme: str
    weight: float


def telling_words(paper: Paper, top: int = TOP_WORDS) -> list[Word]:
    """The paper's words that say most about it, most telling first: weighed by how few papers have
    them (log N/df, as search engines' "more like this"), a title word twice; a word only this paper
    has links it to none, and one more than COMMON_SHARE of papers have says little."""
    shares, total = _shares()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme, weights FROM bibliography_paper, unnest(search_vector) WHERE id = %s", [paper.pk]
        )
        words = {lexeme: weights for lexeme, weights in cursor.fetchall() if len(lexeme) > 2 and not lexeme.isdigit()}
        unlisted = sorted(set(words) - set(shares))
        # the planner lists the common words; the others are counted, each up to RARE_COUNTED papers
        cursor.execute(
            "SELECT lexeme, (SELECT count(*) FROM (SELECT 1 FROM bibliography_paper "
            "  WHERE search_vector @@ to_tsquery('simple', quote_literal(lexeme)) LIMIT %s) AS found) "
            "FROM unnest(%s::text[]) AS lexeme",
            [RARE_COUNTED, unlisted],
        )
        counts = dict(cursor.fetchall())
    telling = []
    for lexeme, weights in words.items():
        papers = counts[lexeme] if lexeme in counts else shares[lexeme] * total
        if papers < 2 or papers > max(COMMON_SHARE * total, COMMON_AT_LEAST):
            continue
        telling.append(Word(lexeme, math.log(total / papers) * (TITLE_WEIGHT if "A" in weights else 1.0)))
    telling.sort(key=lambda word: (-word.weight, word.lexeme))
    return telling[:top]


def similar_papers(paper: Paper, limit: int = SHOWN) -> QuerySet:
    """Papers like this one, most alike first, each with its `relevance` (the summed weight of the
    telling words it shares); none when the paper's words tell nothing (no abstract, common words)."""
    words = telling_words(paper)
    others = Paper.objects.exclude(pk=paper.pk)
    titled = others.similar_to(paper.title).order_by("-relevance").values("pk")[:TITLED]  # paper_title_key_trgm_idx
    if not words:
        return others.filter(pk__in=titled).similar_to(paper.title).order_by("-relevance", "-id")[:limit]
    sharing = others.filter(search_vector=_any_two(words)) if len(words) > 2 else others.none()
    if len(words) <= 2 or sharing[:limit].count() < limit:
        sharing = others.filter(search_vector=_any(words))  # paper_search_vector_idx
    most = sum(w.weight for w in words)
    shared = sum(
        (Case(When(search_vector=_any([w]), then=Value(w.weight / most)), default=Value(0.0),
              output_field=FloatField()) for w in words),
        Value(0.0),
    )  # fmt: skip
    key = text.title_key(paper.title)
    title = TrigramWordSimilarity(key, "title_key") if key else Value(0.0)
    candidates = others.filter(Q(pk__in=sharing.values("pk")) | Q(pk__in=titled))
    return candidates.annotate(relevance=shared + TITLE_BLEND * title).order_by("-relevance", "-id")[:limit]


def _any(words: list[Word]) -> SearchQuery:
    return SearchQuery(" | ".join(_quoted(w.lexeme) for w in words), search_type="raw", config="simple")


def _any_two(words: list[Word]) -> SearchQuery:
    pairs = (f"({_quoted(a.lexeme)} & {_quoted(b.lexeme)})" for a, b in combinations(words, 2))
    return SearchQuery(" | ".join(pairs), search_type="raw", config="simple")


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _shares() -> tuple[dict[str, float], float]:
    """Each common word's share of the papers (the planner's statistics), and how many papers there
    are (the planner's estimate)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples FROM pg_class c "
            "LEFT JOIN pg_stats s ON s.tablename = c.relname AND s.attname = 'search_vector' "
            "WHERE c.relname = 'bibliography_paper'"
        )
        lexemes, freqs, total = cursor.fetchone()
    total = max(float(total or 0), 1.0)  # -1 (never analysed) counts as one paper
    if not lexemes:
        return {}, total
    return dict(zip(lexemes, freqs, strict=False)), total  # freqs end with their minimum, maximum, nulls
