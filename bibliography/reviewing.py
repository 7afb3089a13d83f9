"""The curators' review queues, a page at a time: papers with suggested tags, papers with suggested
citations, papers with values sources propose, and pairs that may be duplicates. Each page is a
handful of queries whatever its size, and pages follow each other by key (the last paper shown),
never by OFFSET, so the millionth is as quick as the first."""

from contextlib import suppress
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline
from django.db.models import Prefetch, Q
from django.db.models.expressions import RawSQL

from . import dates
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
from .searching import html_escaped

PAGE_SIZE = 10
AUTHORS_SHOWN = 3

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
