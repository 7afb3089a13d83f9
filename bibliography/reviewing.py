"""The curators' review queues, a page at a time: papers with suggested tags, papers with suggested
citations, papers with values sources propose, and pairs that may be duplicates; and the decisions
taken on them, one at a time or in bulk. Each page is a handful of queries whatever its size, and
pages follow each other by key (the last paper shown), never by OFFSET, so the millionth is as quick
as the first."""

from contextlib import suppress
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline
from django.db.models import F, Prefetch, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Replace

from . import dates
from .duplicates import duplicate_dismiss
from .models import (
    SEARCH_CONFIG,
    Authorship,
    Citation,
    Concept,
    DuplicateCandidate,
    DuplicateStatus,
    Paper,
    PaperConcept,
    Proposal,
    ReviewStatus,
)
from .proposing import proposal_decide
from .tagging import decisions_set_status

PAGE_SIZE = 10
AUTHORS_SHOWN = 3

# What a decision sets, by the button's value; "undo" takes a decision back.
DECISIONS = {"accept": ReviewStatus.ACCEPTED, "reject": ReviewStatus.REJECTED, "undo": ReviewStatus.SUGGESTED}
KINDS = {"tag": PaperConcept, "citation": Citation}  # decided in bulk as well as one at a time
CONFIRM_AT_MOST = 500  # suggestions a bulk decision lists on its confirmation page

# The words of the paper's suggested concepts, as one query whose every match the excerpt marks:
# the curator sees in the text why each concept was suggested.
_SUGGESTED_CONCEPTS_QUERY = """
    SELECT websearch_to_tsquery(%s::regconfig, string_agg('"' || replace(c.name, '"', ' ') || '"', ' or '))
    FROM bibliography_paperconcept t JOIN bibliography_concept c ON c.id = t.concept_id
    WHERE t.paper_id = bibliography_paper.id AND t.status = 'suggested'
"""


@dataclass
class Page:
    items: list
    next_after: str | None  # the key of the next page, None on the last


def first_authors_prefetch(paper: str = ""):
    """A paper's first authors (`first_authorships`), and one more to tell whether "et al." follows."""
    authorships = Authorship.objects.select_related("author").order_by("position")
    return Prefetch(f"{paper}authorships", authorships[: AUTHORS_SHOWN + 1], to_attr="first_authorships")


def first_authors_named(paper: Paper) -> str:
    """ "Ada Lovelace, Charles Babbage et al.": the names the paper credits, from `first_authorships`
    (`first_authors_prefetch` reads one more than it shows, to know whether others follow)."""
    shown = paper.first_authorships
    names = ", ".join(a.credited_name for a in shown[:AUTHORS_SHOWN])
    return f"{names} et al." if len(shown) > AUTHORS_SHOWN else names


def _papers(ids: list[int]):
    return (
        Paper.objects.filter(pk__in=ids)
        .select_related("venue")
        .prefetch_related(first_authors_prefetch())
        .order_by("pk")
    )


def _paper_page(ids: list[int], papers) -> Page:
    items = list(papers)
    return Page(items, str(ids[-1]) if len(ids) == PAGE_SIZE else None)


def _after(key: str | None) -> int:
    try:
        return max(0, int(key or 0))
    except ValueError:
        return 0


def suggested_tags_page(*, after: str | None = None, concept: Concept | None = None) -> Page:
    """Papers with suggested tags (of one concept, if given), in id order, each with its suggestions
    (`paper.suggestions`, best first) and an excerpt of its abstract marking the concepts' words."""
    tags = PaperConcept.objects.filter(status=ReviewStatus.SUGGESTED, paper_id__gt=_after(after))
    if concept is not None:
        tags = tags.filter(concept=concept)  # paperconcept_concept_idx
    # paperconcept_suggested_idx (or the concept's): distinct ids read in order, stopping at the page's end
    ids = list(tags.order_by("paper_id").values_list("paper_id", flat=True).distinct()[:PAGE_SIZE])
    suggestions = PaperConcept.objects.filter(status=ReviewStatus.SUGGESTED).select_related("concept")
    if concept is not None:
        suggestions = suggestions.filter(concept=concept)
    papers = (
        _papers(ids)
        .prefetch_related(Prefetch("tags", suggestions.order_by("-score", "concept__name"), to_attr="suggestions"))
        .annotate(excerpt=_marked_excerpt())
    )
    return _paper_page(ids, papers)


def html_escaped(field: str):
    """The text with &, < and > as entities, so that an excerpt's only markup is its own <mark>.

    ts_headline keeps an entity whole (the parser reads it as one token), so a fragment never cuts one.
    """
    escaped = F(field)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        escaped = Replace(escaped, Value(char), Value(entity))
    return escaped


def _marked_excerpt():
    return SearchHeadline(
        html_escaped("abstract"),
        RawSQL(_SUGGESTED_CONCEPTS_QUERY, [SEARCH_CONFIG]),
        config=SEARCH_CONFIG,
        start_sel="<mark>",
        stop_sel="</mark>",
        max_words=45,
        min_words=25,
        max_fragments=2,
    )


def suggested_citations_page(*, after: str | None = None) -> Page:
    """Papers with suggested references, each with them (`paper.suggested_references`) and the
    sentence each was found in."""
    citations = Citation.objects.filter(status=ReviewStatus.SUGGESTED, citing_id__gt=_after(after))
    ids = list(citations.order_by("citing_id").values_list("citing_id", flat=True).distinct()[:PAGE_SIZE])
    suggested = (
        Citation.objects.filter(status=ReviewStatus.SUGGESTED)
        .select_related("cited", "cited__venue")
        .order_by("cited__title", "id")
    )
    papers = _papers(ids).prefetch_related(Prefetch("citations_made", suggested, to_attr="suggested_references"))
    return _paper_page(ids, papers)


def proposals_page(*, after: str | None = None) -> Page:
    """Papers with undecided proposals, each with them (`paper.proposed`, by field) beside what the
    paper holds now: a curator compares and decides field by field."""
    waiting = Proposal.objects.filter(status=ReviewStatus.SUGGESTED, paper_id__gt=_after(after))
    # proposal_suggested_idx: distinct papers read in order, stopping at the page's end
    ids = list(waiting.order_by("paper_id").values_list("paper_id", flat=True).distinct()[:PAGE_SIZE])
    proposed = Proposal.objects.filter(status=ReviewStatus.SUGGESTED).order_by("field", "id")
    page = _paper_page(ids, _papers(ids).prefetch_related(Prefetch("proposals", proposed, to_attr="proposed")))
    for paper in page.items:
        for proposal in paper.proposed:
            proposal.now = _held_now(paper, proposal.field)
    return page


def _held_now(paper: Paper, field: str) -> str:
    """What the paper holds for a proposed field, as a curator reads it."""
    if field == "authors":
        return first_authors_named(paper)
    if field == "venue":
        return str(paper.venue) if paper.venue else ""
    if field == "issued":
        return dates.edtf(paper.issued) or str(paper.year or "")
    return str(getattr(paper, field) or "")


def duplicate_candidates_page(*, after: str | None = None) -> Page:
    """Open duplicate candidates, most alike first; `after` is the last one's "similarity:id"."""
    candidates = DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN)  # duplicatecandidate_open_idx
    similarity, _, last_id = (after or "").partition(":")
    with suppress(ValueError):  # no key, or one that is not ours: the first page
        candidates = candidates.filter(
            Q(similarity__lt=float(similarity)) | Q(similarity=float(similarity), id__gt=int(last_id))
        )
    items = list(
        candidates.select_related("paper_a__venue", "paper_b__venue")
        .prefetch_related(first_authors_prefetch("paper_a__"), first_authors_prefetch("paper_b__"))
        .order_by("-similarity", "id")[:PAGE_SIZE]
    )
    last = items[-1] if len(items) == PAGE_SIZE else None
    return Page(items, f"{last.similarity!r}:{last.pk}" if last else None)


class Gone(LookupError):
    """What a curator decided on was deleted or merged away since the page showed it."""


@dataclass
class Decided:
    status: str
    label: str
    undoable: bool


def decided_model(kind: str | None, decision: str | None):
    """The model a decision from a queue changes, None when the kind and the decision do not go
    together: tags, citations and proposals are accepted, rejected or taken back, pairs dismissed."""
    if kind == "duplicate":
        return DuplicateCandidate if decision == "dismiss" else None
    if decision not in DECISIONS:
        return None
    return {**KINDS, "proposal": Proposal}.get(kind or "")


def suggestion_decide(*, kind: str, pk: int, decision: str, by=None) -> Decided:
    """One suggestion accepted, rejected or taken back, one candidate pair dismissed: what it is now.
    Raises Gone when it no longer exists, ProposalRefused when a proposal cannot be accepted as it
    stands; `decided_model` tells which kinds and decisions there are."""
    if kind == "duplicate":
        candidate = DuplicateCandidate.objects.filter(pk=pk).first()
        if candidate is None:
            raise Gone(f"No duplicate candidate {pk}.")
        if candidate.status == DuplicateStatus.OPEN:
            duplicate_dismiss(candidate=candidate, by=by)
        return Decided(candidate.status, "Not duplicates: never proposed again", undoable=False)
    if kind == "proposal":
        proposal = Proposal.objects.filter(pk=pk).first()
        if proposal is None:
            raise Gone(f"No proposal {pk}: its paper was deleted or merged.")
        proposal_decide(proposal, decision, by=by)
        proposal.refresh_from_db()
        # an accepted value is the paper's: the paper is edited to change it
        return Decided(proposal.status, ReviewStatus(proposal.status).label, proposal.status == ReviewStatus.REJECTED)
    rows = KINDS[kind].objects.filter(pk=pk)
    if not rows.exists():
        raise Gone(f"No {kind} {pk}: deleted or merged meanwhile.")
    decisions_set_status(rows=rows, status=DECISIONS[decision], by=by)
    status = rows.values_list("status", flat=True).get()
    return Decided(status, ReviewStatus(status).label, undoable=True)


def still_suggested(kind: str, ids: list[int]):
    """The suggestions of a bulk decision still undecided: it changes what the curator saw, and
    nothing decided or added since."""
    return KINDS[kind].objects.filter(pk__in=ids, status=ReviewStatus.SUGGESTED)


def suggestions_decide(*, kind: str, ids: list[int], decision: str, by=None) -> int:
    """A bulk decision on tags or citations; returns how many it changed."""
    return decisions_set_status(rows=still_suggested(kind, ids), status=DECISIONS[decision], by=by)
