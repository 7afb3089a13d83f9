"""Finding papers that may be one, and remembering a curator's "not a duplicate"."""

from django.db import connection, transaction
from django.utils import timezone

from .models import DuplicateCandidate, DuplicateStatus

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

_SIMILAR_TITLES = """
SELECT a.id, b.id, 'title', similarity(a.title_key, b.title_key), 'open', now()
FROM bibliography_paper a
JOIN bibliography_paper b ON a.title_key %% b.title_key AND a.id < b.id
WHERE a.title_key <> '' AND b.title_key <> '' AND (a.id > %(since)s OR b.id > %(since)s)
"""

_SAME_ABSTRACT = """
SELECT a.id, b.id, 'abstract', 1.0, 'open', now()
FROM bibliography_paper a
JOIN bibliography_paper b ON a.abstract_key = b.abstract_key AND a.id < b.id
WHERE a.id > %(since)s OR b.id > %(since)s
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
