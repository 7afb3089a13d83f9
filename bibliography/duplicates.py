"""Finding papers that may be one, and remembering a curator's "not a duplicate"."""

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from . import text
from .models import Authorship, DuplicateCandidate, DuplicateReason, DuplicateStatus, Paper

# pg_trgm similarity of normalised titles above which two titles are "near-identical".
TITLE_SIMILARITY = 0.8

_INSERT = """
INSERT INTO bibliography_duplicatecandidate (paper_a_id, paper_b_id, reason, similarity, status, found_at)
{select}
ON CONFLICT (paper_a_id, paper_b_id) DO NOTHING
"""

# An arXiv paper's DOI is 10.48550/arxiv.<id>: the same paper under its two identifiers.
_SAME_IDENTIFIER = """
SELECT LEAST(a.id, b.id), GREATEST(a.id, b.id), 'identifier', 1.0, 'open', now()
FROM bibliography_paper a
JOIN bibliography_paper b ON a.doi = '10.48550/arxiv.' || lower(b.arxiv_id)
WHERE a.id <> b.id AND (a.id > %(since)s OR b.id > %(since)s)
"""

# Driven from the new papers (n), each probing the trigram index for older or other new papers (o);
# a pair of two new papers is found once (o.id < n.id).
_SIMILAR_TITLES = """
SELECT LEAST(n.id, o.id), GREATEST(n.id, o.id), 'title', similarity(n.title_key, o.title_key), 'open', now()
FROM bibliography_paper n
JOIN bibliography_paper o ON o.title_key %% n.title_key AND o.id <> n.id AND (o.id < n.id OR o.id <= %(since)s)
WHERE n.id > %(since)s AND n.title_key <> '' AND o.title_key <> ''
"""

_SAME_ABSTRACT = """
SELECT LEAST(n.id, o.id), GREATEST(n.id, o.id), 'abstract', 1.0, 'open', now()
FROM bibliography_paper n
JOIN bibliography_paper o ON o.abstract_key = n.abstract_key AND o.id <> n.id AND (o.id < n.id OR o.id <= %(since)s)
WHERE n.id > %(since)s
"""


@transaction.atomic
def duplicates_find(*, since_id: int = 0, title_similarity: float = TITLE_SIMILARITY) -> int:
    """Record new candidate pairs among papers (only pairs involving a paper with id > since_id).
    Pairs already known, open or dismissed, are left as they are. Returns how many were added."""
    added = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(title_similarity)])
        for select in (_SAME_IDENTIFIER, _SIMILAR_TITLES, _SAME_ABSTRACT):
            cursor.execute(_INSERT.format(select=select), {"since": since_id})
            added += cursor.rowcount
    return added


def duplicate_dismiss(*, candidate: DuplicateCandidate, by=None) -> None:
    """A curator says the two papers are different; the pair is never proposed again."""
    candidate.status = DuplicateStatus.DISMISSED
    candidate.decided_by = by
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at"])


def lookalikes(paper: Paper, *, limit: int = 5) -> list[tuple[Paper, str]]:
    """Papers that may be this one, with why: an arXiv DOI and its e-print, the same abstract, or a
    title nearly the same (trigram similarity of the folded titles at least TITLE_SIMILARITY) whose
    year and first author do not disagree. Pairs a curator dismissed are left out."""
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
        first = _first_family(paper)
        similar = (
            Paper.objects.filter(title_key__trigram_similar=key)  # paper_title_key_trgm_idx
            .exclude(pk=paper.pk)
            .annotate(alike=TrigramSimilarity("title_key", key))
            .filter(alike__gte=TITLE_SIMILARITY)
            .prefetch_related(Prefetch("authorships", Authorship.objects.select_related("author")))
            .order_by("-alike", "pk")[: limit * 4]
        )
        for other in similar:
            other_first = _first_family(other)
            if (paper.year and other.year and paper.year != other.year) or (
                first and other_first and first != other_first
            ):
                continue  # a like title, but another year or another first author: another paper
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


def _first_family(paper: Paper) -> str:
    first = min(paper.authorships.all(), key=lambda a: a.position, default=None)
    return text.name_key(first.credited_parts.family) if first else ""
