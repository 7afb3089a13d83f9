"""What an import leaves for the curators: what a record says otherwise than its stored paper (as
proposals, proposing.py), and papers that share a title while something tells them apart (as
duplicate candidates)."""

from bibliography.formats.records import PaperRecord
from bibliography.models import DuplicateCandidate, DuplicateReason, ImportRun, Paper
from bibliography.proposing import authors_named, offered, proposals, proposals_save, venue_names

from .citations import openalex_of
from .results import ImportResult, Landed


def differences_propose(differing: list[tuple[Paper, PaperRecord]], run: ImportRun, result: ImportResult) -> None:
    """What a record says that its stored paper says otherwise is proposed, never written over; the
    blanks were filled already."""
    if not differing:
        return
    authors_now = authors_named(paper.pk for paper, _ in differing)
    venues = venue_names(paper for paper, _ in differing)
    found = []
    for paper, record in differing:
        values = offered(paper, record, authors_now.get(paper.pk, []), venues.get(paper.venue_id, ""), blanks=False)
        reason = f"{run.file_name}, line {record.line}, says otherwise"
        found += proposals(paper, values, source=run.file_name, url=_source_url(record), reason=reason, run=run)
    result.proposed += proposals_save(found)


def duplicate_candidates_add(
    suspected: list[tuple[Paper, PaperRecord]], landed: list[Landed], result: ImportResult
) -> None:
    """The same title with something contradicting it: two papers, and a pair for the curators."""
    paper_of = {id(record): paper for record, paper, _ in landed}
    pairs = {
        tuple(sorted((suspect.pk, paper_of[id(record)].pk)))
        for suspect, record in suspected
        if suspect.pk is not None and suspect.pk != paper_of[id(record)].pk
    }
    candidates = [
        DuplicateCandidate(paper_a_id=a, paper_b_id=b, reason=DuplicateReason.TITLE, similarity=1.0)
        for a, b in sorted(pairs)
    ]
    DuplicateCandidate.objects.bulk_create(candidates, ignore_conflicts=True)
    if candidates:
        result.count_also("duplicate candidates", len(candidates))


def _source_url(record: PaperRecord) -> str:
    """Where a curator reads the record's work at its source, when the record says."""
    if work := openalex_of(record).get("id"):
        return f"https://openalex.org/{work}"
    return f"https://arxiv.org/abs/{record.arxiv_id}" if "arxiv" in record.extra and record.arxiv_id else ""
