"""Looking papers up in scholarly services and taking what they know.

A candidate a service answers with is **taken** only when an identifier agrees (the paper's DOI or
arXiv id is the candidate's) or when title, first author and year all agree closely. A taken
candidate is imported onto its paper as a record of the service's own file would be: blanks are
filled (with provenance: the service and the time), differences become proposals. A candidate not
taken but alike enough to be the paper becomes proposals, one per field, for curators to decide.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import islice

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from bibliography import dates, text
from bibliography.importers.lock import holding_import_lock
from bibliography.importers.papers import PaperLoader
from bibliography.importers.results import ImportResult
from bibliography.models import Authorship, ImportRun, ImportStatus, Paper, PaperKind
from bibliography.proposing import authors_named, offered, proposals, proposals_save, same_abstract, venue_names

from .http import LookupFailed, NotCached
from .sources import Candidate, Source

# Titles this alike (0..1, after folding) are the same title for taking a candidate.
SAME_TITLE = 0.95
# Less alike than this, a searched candidate is another work: not even proposed.
LEAST_TITLE = 0.8
# Papers looked up before their findings are written, in one transaction.
CHUNK = 50


@dataclass
class Verdict:
    taken: bool
    likeness: float
    why: str


@dataclass
class EnrichResult:
    looked_up: int = 0
    completed: int = 0  # papers a taken candidate landed on
    proposed: int = 0  # proposals stored
    not_found: int = 0  # papers a service was asked about (not only the cache) and none knew
    not_cached: int = 0  # offline, and not asked before
    failures: list[str] = field(default_factory=list)


def papers_wanting(queryset: QuerySet | None = None) -> QuerySet:
    """Papers without identifiers or without authors: what a lookup can complete. Talks are left
    out: the services index publications, and a talk's title would only find papers like it."""
    queryset = queryset if queryset is not None else Paper.objects.all()
    authored = Exists(Authorship.objects.filter(paper=OuterRef("pk")))
    return queryset.filter(Q(doi__isnull=True, arxiv_id__isnull=True) | ~authored).exclude(kind=PaperKind.TALK)


def verdict(paper: Paper, first_family: str, candidate: Candidate) -> Verdict | None:
    """Whether the candidate is taken, or how far it is the paper; None when it is another work."""
    record = candidate.record
    if paper.doi and record.doi and paper.doi != record.doi:
        return None
    if paper.arxiv_id and record.arxiv_id and paper.arxiv_id != record.arxiv_id:
        return None
    if paper.doi and record.doi == paper.doi:
        return Verdict(True, 1.0, f"{candidate.source.name} holds the same DOI")
    if paper.arxiv_id and record.arxiv_id == paper.arxiv_id:
        return Verdict(True, 1.0, f"{candidate.source.name} holds the same arXiv id")
    if paper.title_key:
        likeness = SequenceMatcher(None, paper.title_key, record.title_key).ratio()
        if likeness < LEAST_TITLE:
            return None
        alike = f"title {likeness:.0%} alike"
    else:
        if not same_abstract(paper.abstract, record.abstract):
            return None
        likeness, alike = 1.0, "the same abstract"
    theirs = record.authors[0] if record.authors else None
    their_family = text.name_key(theirs.parts.family if theirs and theirs.parts else theirs.name if theirs else "")
    mine = text.name_key(first_family)
    author = "unknown here" if not mine else "not given there" if not their_family else (
        "agrees" if mine == their_family or mine in their_family.split() else "differs")  # fmt: skip
    their_year = dates.year_of(record.issued) if record.issued else None
    year = "unknown here" if not paper.year else "not given there" if not their_year else (
        "agrees" if their_year == paper.year else f"differs ({their_year})")  # fmt: skip
    taken = bool(paper.title_key) and likeness >= SAME_TITLE and author == "agrees" and year == "agrees"
    why = f"{candidate.source.name}, by {candidate.found_by}: {alike}; first author {author}; year {year}"
    return Verdict(taken, likeness, why)


def _chunks(papers: Iterable[Paper]) -> Iterator[list[Paper]]:
    iterator = iter(papers)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def enrich(
    papers: Iterable[Paper], sources: list[Source], *, on_progress: Callable[[int], None] | None = None
) -> EnrichResult:
    result = EnrichResult()
    runs: dict[str, ImportRun] = {}
    for chunk in _chunks(papers):
        firsts = dict(Authorship.objects.filter(paper__in=chunk, position=1).values_list("paper_id", "author__family"))
        authors_now = authors_named(p.pk for p in chunk)
        venues = venue_names(chunk)
        taken: dict[str, list] = {source.name: [] for source in sources}
        found = []
        for paper in chunk:
            result.looked_up += 1
            answered = reached = False
            for source in sources:
                try:
                    candidates = source.candidates(paper)
                except NotCached:
                    result.not_cached += 1
                    continue
                except LookupFailed as error:
                    result.failures.append(f"paper #{paper.pk}: {error}")
                    continue
                reached = True
                judged = [(v, c) for c in candidates if (v := verdict(paper, firsts.get(paper.pk) or "", c))]
                if not judged:
                    continue
                answered = True
                best, candidate = max(judged, key=lambda pair: (pair[0].taken, pair[0].likeness))
                if best.taken:
                    candidate.record.known_as = paper.pk
                    taken[source.name].append(candidate.record)
                else:
                    now = authors_now.get(paper.pk, []), venues.get(paper.venue_id, "")
                    values = offered(paper, candidate.record, *now, blanks=True)
                    found += proposals(paper, values, source=source.name, url=candidate.url, reason=best.why)
            result.not_found += reached and not answered  # asked, and no service knew it
            if on_progress:
                on_progress(1)
        with holding_import_lock():
            result.proposed += proposals_save(found)
            for source in sources:
                if records := taken[source.name]:
                    run = runs.get(source.name) or _run(source)
                    runs[source.name] = run
                    for number, record in enumerate(records, run.records + 1):
                        record.line = number  # the lookup's place in the run, as a file's line
                    loaded = ImportResult(file_name=run.file_name, format=run.format)
                    PaperLoader(run=run, year=None, result=loaded).load_papers(records)
                    result.completed += loaded.records
                    result.proposed += loaded.proposed
                    ImportRun.objects.filter(pk=run.pk).update(
                        records=run.records + loaded.records, updated=run.updated + loaded.updated,
                        unchanged=run.unchanged + loaded.unchanged, finished_at=timezone.now(),
                    )  # fmt: skip
                    run.refresh_from_db()
    return result


def _run(source: Source) -> ImportRun:
    now = timezone.now()
    return ImportRun.objects.create(
        file_name=f"{source.name} API, {source.service.base_url}", sha256="", format=source.format,
        started_at=now, finished_at=now, status=ImportStatus.SUCCEEDED,
    )  # fmt: skip
