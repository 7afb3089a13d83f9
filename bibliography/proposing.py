"""Proposed changes to papers: what a source says that the paper says otherwise, or, from a candidate
not sure enough to be taken, at all. Nothing here changes a paper until a curator accepts the
proposal, field by field; a value rejected once is never proposed again (`proposal_once`)."""

import hashlib
import json
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from bibliography import dates, text
from bibliography.authors import Contribution, authors_for, authorships_replace
from bibliography.citation_keys import keys_assign
from bibliography.formats.records import UNTITLED_REASONS, PaperRecord, Person
from bibliography.models import (
    CSL_COLUMNS,
    AuthorRole,
    Authorship,
    ImportRun,
    Paper,
    Proposal,
    ReviewStatus,
    Venue,
)

# An abstract rewritten by a source (OpenAlex rebuilds it from an index of its words, dropping
# some punctuation) is the same abstract when this share of its words are the paper's.
SAME_ABSTRACT = 0.9


class ProposalRefused(Exception):
    """A proposal that cannot be accepted as it stands; the message says why in a curator's words."""


def digest(value) -> str:
    return hashlib.md5(
        json.dumps(value, sort_keys=True, ensure_ascii=False).encode(), usedforsecurity=False
    ).hexdigest()


def _words(value: str) -> set[str]:
    return set(text.fold(value).split())


def same_abstract(a: str, b: str) -> bool:
    mine, theirs = _words(a), _words(b)
    return bool(mine) and len(mine & theirs) / len(mine | theirs) >= SAME_ABSTRACT


def offered(
    paper: Paper, record: PaperRecord, authors_now: list[str], venue_now: str, *, blanks: bool
) -> dict[str, object]:
    """Each field's value the record offers the paper: where the paper says otherwise and, with
    `blanks`, where it says nothing (from a candidate that was not taken, nothing is filled).
    `authors_now`: the name keys of the paper's authors, in order; `venue_now`: its venue's name."""
    found: dict[str, object] = {}

    def offer(field, mine, theirs, differ):
        if theirs and ((mine and differ) or (blanks and not mine)):
            found[field] = theirs

    offer("title", paper.title, record.title, text.title_key(paper.title) != record.title_key)
    offer("abstract", paper.abstract, record.abstract, not same_abstract(paper.abstract, record.abstract))
    offer("doi", paper.doi, record.doi, paper.doi != record.doi)
    offer("arxiv_id", paper.arxiv_id, record.arxiv_id, paper.arxiv_id != record.arxiv_id)
    theirs = record.issued if record.issued and record.issued.get("date-parts") else None
    offer("issued", paper.year, theirs, bool(theirs) and dates.year_of(theirs) != paper.year)
    if record.venue:
        venue = {"name": record.venue.name, "kind": record.venue.kind, "short_name": record.venue.short_name}
        offer("venue", venue_now, venue, text.fold(venue_now) != text.fold(record.venue.name))
    names = [{"name": p.name, "orcid": p.orcid, "openalex_id": p.openalex_id} for p in record.authors]
    offer("authors", authors_now, names, authors_now != [text.name_key(p.name) for p in record.authors])
    for variable, column in CSL_COLUMNS.items():
        if variable in record.csl:
            mine = getattr(paper, column)
            offer(column, mine, record.csl[variable], text.fold(mine) != text.fold(record.csl[variable]))
    return found


def proposals(paper: Paper, values: dict[str, object], *, source: str, url: str = "", reason: str = "",
              run: ImportRun | None = None) -> list[Proposal]:  # fmt: skip
    return [
        Proposal(
            paper=paper,
            field=field,
            value=value,
            value_digest=digest(value),
            source=source[:100],
            source_url=url[:500],
            reason=reason,
            import_run=run,
        )  # fmt: skip
        for field, value in values.items()
    ]


def proposals_save(found: Iterable[Proposal]) -> int:
    """Stores the proposals not made before (in any state: a rejected value stays rejected)."""
    return len(Proposal.objects.bulk_create(list(found), ignore_conflicts=True))


def venue_names(papers: Iterable[Paper]) -> dict[int, str]:
    ids = {paper.venue_id for paper in papers if paper.venue_id}
    return dict(Venue.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def authors_named(paper_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each paper's authors' name keys, in order, in one query."""
    found: dict[int, list[str]] = {}
    rows = Authorship.objects.filter(paper_id__in=list(paper_ids)).order_by("paper_id", "position")
    for paper_id, key in rows.values_list("paper_id", "author__name_key"):
        found.setdefault(paper_id, []).append(key)
    return found


@transaction.atomic
def proposal_accept(proposal: Proposal, *, by=None) -> Paper:
    """The proposed value becomes the paper's, saved in its history with where it came from."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ReviewStatus.SUGGESTED:
        raise ProposalRefused(f"This proposal was already {proposal.status}.")
    paper = Paper.objects.select_for_update().get(pk=proposal.paper_id)
    field, value = proposal.field, proposal.value
    if field in ("doi", "arxiv_id"):
        holder = Paper.objects.filter(**{field: value}).exclude(pk=paper.pk).first()
        if holder is not None:
            raise ProposalRefused(
                f"Paper #{holder.pk} ({holder.plain_title}) already has {proposal.get_field_display()} {value}: "
                "if they are one paper, merge them."
            )
    if field == "authors":
        _replace_authors(paper, value)
    elif field == "issued":
        paper.issued, paper.year, paper.published_on = dates.settled(value, None, None)
    elif field == "venue":
        paper.venue, _ = Venue.objects.get_or_create(
            name=value["name"], defaults={"kind": value["kind"], "short_name": value.get("short_name") or ""}
        )
    else:
        setattr(paper, field, value)
    if field == "title" and paper.review_reason in UNTITLED_REASONS:
        paper.needs_review, paper.review_reason = False, ""  # it was flagged for want of a title
    if field in ("title", "abstract", "isbn"):
        paper.refresh_keys()
    paper._change_reason = f"accepted the {proposal.get_field_display()} {proposal.source} proposed"
    paper.updated_at = timezone.now()
    paper.save()
    keys_assign([paper])
    _decide(proposal, ReviewStatus.ACCEPTED, by)
    return paper


def proposal_reject(proposal: Proposal, *, by=None) -> None:
    updated = Proposal.objects.filter(pk=proposal.pk, status=ReviewStatus.SUGGESTED).update(
        status=ReviewStatus.REJECTED, decided_by=by, decided_at=timezone.now()
    )
    if not updated:
        status = Proposal.objects.filter(pk=proposal.pk).values_list("status", flat=True).first()
        raise ProposalRefused(f"This proposal was already {status or 'deleted'}.")


def proposal_decide(proposal: Proposal, decision: str, *, by=None) -> None:
    """accept, reject, or undo a rejection (an accepted value is the paper's own: edit the paper)."""
    if decision == "accept":
        proposal_accept(proposal, by=by)
    elif decision == "reject":
        proposal_reject(proposal, by=by)
    elif decision == "undo":
        undone = Proposal.objects.filter(pk=proposal.pk, status=ReviewStatus.REJECTED).update(
            status=ReviewStatus.SUGGESTED, decided_by=None, decided_at=None
        )
        if not undone:
            raise ProposalRefused("Only a rejection can be undone: an accepted value is the paper's; edit the paper.")
    else:
        raise ValueError(decision)


def _decide(proposal: Proposal, status: str, by) -> None:
    proposal.status, proposal.decided_by, proposal.decided_at = status, by, timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])


def _replace_authors(paper: Paper, people: list[dict]) -> None:
    named = [Person(p["name"], orcid=p.get("orcid"), openalex_id=p.get("openalex_id")) for p in people]
    contributions, seen = [], set()
    for person, author in zip(named, authors_for(named), strict=True):
        if author.pk not in seen:  # a source listing one person twice
            seen.add(author.pk)
            contributions.append(Contribution(author, AuthorRole.AUTHOR, person.name))
    authorships_replace(paper, contributions)
