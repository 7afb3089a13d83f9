"""Suggesting tags: scoring papers against concepts, so curators decide instead of tagging by hand.

Two methods, measured against hand-labelled seed papers (docs/tagging.md); `fts` measured best
(precision 0.70, recall 0.67 against 0.16 / 0.27 for `tfidf`) and is the default:

- `fts`: PostgreSQL full-text matching: papers whose search vector holds every word of the
  concept's name, scored by cover density (ts_rank_cd). Stemming finds the candidates, and each
  word must also be in the text as written or as its plural: the stemmer makes one word of
  "regular", "regularity" and "regularization", which are three concepts.
- `tfidf`: each concept becomes a document (its name, the names and key points of the concepts
  below it); papers and concepts are compared by TF-IDF cosine over PostgreSQL's own lexemes
  (same stemming and unaccenting as search), so no model or extra package is needed.

A paper keeps its few best concepts: at most `per_paper`, each scoring at least `min_score` and at
least `relative` times the paper's best score. Curators' decisions are never touched: only
automatic suggestions are created or re-scored.
"""

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import connection, transaction

from .models import NAME_SEARCH_CONFIG, SEARCH_CONFIG, Concept, KeyPoint, PaperConcept, ReviewStatus, Source
from .vocabulary import SEARCHED_ABSTRACT_CHARS

METHODS = ("fts", "tfidf")


@dataclass
class Settings:
    method: str = "fts"
    per_paper: int = 2
    min_score: float = 0.05
    relative: float = 0.5


def _lexemes(sql: str, params) -> dict[int, Counter]:
    """Lexeme counts per row id from a query yielding (id, tsvector)."""
    out: dict[int, Counter] = defaultdict(Counter)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT src.id, u.lexeme, coalesce(array_length(u.positions, 1), 1) "
            f"FROM ({sql}) AS src(id, vector), unnest(src.vector) AS u",
            params,
        )
        for row_id, lexeme, count in cursor.fetchall():
            out[row_id][lexeme] += count
    return out


def concept_documents(concepts: list[Concept]) -> dict[int, str]:
    """A concept's text: its name (thrice: it says most), and the names and key points of everything below it."""
    below: dict[int, list[int]] = {}
    for concept in concepts:
        below[concept.pk] = list(Concept.objects.descendants_of([concept.pk]).values_list("id", flat=True))
    names = dict(Concept.objects.values_list("id", "name"))
    points: dict[int, list[str]] = defaultdict(list)
    for concept_id, point in KeyPoint.concepts.through.objects.values_list("concept_id", "keypoint__text"):
        points[concept_id].append(point)
    return {
        c.pk: " ".join(
            [c.name] * 3 + [names[d] for d in below[c.pk] if d != c.pk] + sum((points[d] for d in below[c.pk]), [])
        )
        for c in concepts
    }


def _tfidf_scores(paper_ids: list[int] | None, concepts: list[Concept]) -> dict[int, dict[int, float]]:
    where, params = ("WHERE id = ANY(%s)", [paper_ids]) if paper_ids is not None else ("", [])
    papers = _lexemes(f"SELECT id, search_vector FROM bibliography_paper {where}", params)
    documents = concept_documents(concepts)
    ids, texts = list(documents), [documents[i] for i in documents]
    concept_terms = _lexemes(
        "SELECT t.id, to_tsvector(%s::regconfig, t.body) FROM unnest(%s::bigint[], %s::text[]) AS t(id, body)",
        [SEARCH_CONFIG, ids, texts],
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bibliography_paper")  # IDF over the whole collection
        total = cursor.fetchone()[0] or 1
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM bibliography_paper') WHERE word = ANY(%s)",
            [list({t for terms in concept_terms.values() for t in terms})],
        )
        document_frequency = dict(cursor.fetchall())

    def idf(term: str) -> float:
        return math.log((1 + total) / (1 + document_frequency.get(term, 0))) + 1

    def weigh(counts: Counter) -> dict[str, float]:
        vector = {t: (1 + math.log(n)) * idf(t) for t, n in counts.items() if t in document_frequency}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {t: v / norm for t, v in vector.items()}

    concept_vectors = {cid: weigh(terms) for cid, terms in concept_terms.items()}
    scores: dict[int, dict[int, float]] = {}
    for paper_id, counts in papers.items():
        vector = weigh(counts)
        scores[paper_id] = {
            cid: sum(weight * cvec.get(term, 0.0) for term, weight in vector.items())
            for cid, cvec in concept_vectors.items()
        }
    return scores


def word_forms(word: str) -> set[str]:
    """A word as a text may write it for the same thing: itself, its plural or singular, a noun in
    -ization as its verb (regularized), in either spelling (-isation)."""
    singular = word
    if word.endswith("ies") and len(word) > 4:
        singular = f"{word[:-3]}y"
    elif word.endswith(("sses", "xes", "zes", "ches", "shes")):
        singular = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        singular = word[:-1]
    if singular.endswith(("s", "x", "z", "ch", "sh")):
        plural = f"{singular}es"
    elif singular.endswith("y") and singular[-2:-1] not in "aeiou":
        plural = f"{singular[:-1]}ies"
    else:
        plural = f"{singular}s"
    forms = {word, singular, plural}
    if match := re.fullmatch(r"(\w{3,})i[sz]ation", singular):
        forms |= {f"{match[1]}i{z}{end}" for z in "sz" for end in ("ation", "ations", "e", "ed", "es", "ing")}
    return forms


def surface_query(name: str) -> str:
    """A tsquery (to_tsquery's text, for NAME_SEARCH_CONFIG) asking for each word of the name as written."""
    words = re.findall(r"\w+", name.lower())
    return " & ".join(
        "(" + " | ".join("'" + form.replace("'", "''") + "'" for form in sorted(word_forms(word))) + ")"
        for word in words
    )


def _fts_scores(paper_ids: list[int] | None, concepts: list[Concept]) -> dict[int, dict[int, float]]:
    """Papers whose text has every word of the concept's name, scored by cover density, in (0, 1)."""
    scores: dict[int, dict[int, float]] = defaultdict(dict)
    where = "AND p.id = ANY(%(ids)s)" if paper_ids is not None else ""
    with connection.cursor() as cursor:
        for concept in concepts:
            if not (surface := surface_query(concept.name)):
                continue
            other_spelling = re.sub(r"i([sz])ation", lambda m: "ization" if m[1] == "s" else "isation", concept.name)
            cursor.execute(
                f"""
                SELECT p.id, ts_rank_cd(p.search_vector, q.query, 32)
                FROM bibliography_paper p,
                    LATERAL (SELECT plainto_tsquery(%(stemmed)s, %(name)s) || plainto_tsquery(%(stemmed)s, %(other)s))
                        AS q(query)
                WHERE p.search_vector @@ q.query {where}
                    AND to_tsvector(%(plain)s, p.title || ' ' || left(p.abstract, %(chars)s))
                        @@ to_tsquery(%(plain)s, %(words)s)
                """,  # paper_search_vector_idx; normalisation 32 maps rank r to r / (r + 1)
                {"stemmed": SEARCH_CONFIG, "name": concept.name, "other": other_spelling, "ids": paper_ids,
                 "plain": NAME_SEARCH_CONFIG, "chars": SEARCHED_ABSTRACT_CHARS, "words": surface},
            )  # fmt: skip
            for paper_id, score in cursor.fetchall():
                scores[paper_id][concept.pk] = score
    return scores


def scores_for(paper_ids: list[int] | None, concepts: list[Concept], method: str) -> dict[int, dict[int, float]]:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    return _tfidf_scores(paper_ids, concepts) if method == "tfidf" else _fts_scores(paper_ids, concepts)


def reason(concept: Concept, score: float, method: str) -> str:
    """Why a tag is suggested, in words a curator can check against the paper's text."""
    if method == "tfidf":
        why = f"Its words are close to those of “{concept.name}” and the concepts below it (TF-IDF cosine {score:.2f})."
    else:
        why = f"Its title or abstract holds every word of “{concept.name}” (cover density {score:.2f})."
    return why[:300]


def choose(scores: dict[int, float], settings: Settings) -> dict[int, float]:
    """The few concepts a paper gets: its best ones, not every concept it brushes against."""
    ranked = sorted(((s, cid) for cid, s in scores.items() if s > 0), reverse=True)
    if not ranked:
        return {}
    floor = max(settings.min_score, ranked[0][0] * settings.relative)
    return {cid: min(1.0, round(s, 6)) for s, cid in ranked[: settings.per_paper] if s >= floor}


@dataclass
class SuggestReport:
    papers: int = 0
    created: int = 0
    rescored: int = 0
    kept_decisions: int = 0


@transaction.atomic
def tags_suggest(
    *, paper_ids: list[int] | None = None, concept_slugs: list[str] | None = None, settings: Settings | None = None
) -> SuggestReport:
    """Create or re-score automatic suggestions; tags a curator decided or made stay exactly as they are."""
    settings = settings or Settings()
    concepts = list(Concept.objects.filter(slug__in=concept_slugs) if concept_slugs else Concept.objects.all())
    all_scores = scores_for(paper_ids, concepts, settings.method)
    report = SuggestReport(papers=len(all_scores))
    chosen = {
        (pid, cid): score for pid, scores in all_scores.items() for cid, score in choose(scores, settings).items()
    }
    by_id = {c.pk: c for c in concepts}
    existing = {
        (t.paper_id, t.concept_id): t
        for t in PaperConcept.objects.filter(
            paper_id__in={pid for pid, _ in chosen}, concept_id__in={cid for _, cid in chosen}
        ).select_for_update()
    }
    new, rescored = [], []
    for (paper_id, concept_id), score in chosen.items():
        tag = existing.get((paper_id, concept_id))
        if tag is None:
            new.append(
                PaperConcept(
                    paper_id=paper_id,
                    concept_id=concept_id,
                    score=score,
                    source=Source.AUTOMATIC,
                    status=ReviewStatus.SUGGESTED,
                    reason=reason(by_id[concept_id], score, settings.method),
                )
            )
        elif tag.source == Source.AUTOMATIC and tag.status == ReviewStatus.SUGGESTED:
            why = reason(by_id[concept_id], score, settings.method)
            if (tag.score, tag.reason) != (score, why):
                tag.score, tag.reason = score, why
                rescored.append(tag)
        else:
            report.kept_decisions += 1
    PaperConcept.objects.bulk_create(new)
    PaperConcept.objects.bulk_update(rescored, ["score", "reason"])
    report.created, report.rescored = len(new), len(rescored)
    return report


@dataclass
class Quality:
    precision: float
    recall: float
    f1: float
    suggested: int
    correct: int
    expected: int


def evaluate(gold: dict[int, set[int]], settings: Settings) -> Quality:
    """Precision and recall of the suggestions for hand-labelled papers (paper id -> concept ids)."""
    concepts = list(Concept.objects.all())
    scores = scores_for(list(gold), concepts, settings.method)
    suggested = correct = 0
    for paper_id, expected in gold.items():
        picked = set(choose(scores.get(paper_id, {}), settings))
        suggested += len(picked)
        correct += len(picked & expected)
    expected_total = sum(len(v) for v in gold.values())
    precision = correct / suggested if suggested else 0.0
    recall = correct / expected_total if expected_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Quality(round(precision, 3), round(recall, 3), round(f1, 3), suggested, correct, expected_total)
