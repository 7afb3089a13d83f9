"""Writing a batch of parsed records as papers: match, fill, bulk insert, and all that hangs on them.

Each batch costs a fixed number of queries whatever its size: new papers and the rows pointing at
them (authorships, keywords, provenance) are written with COPY, their ids taken beforehand.

Matching (matching.py): a record is the paper that has its DOI or arXiv id; else the paper with
its normalised title; else, for an untitled record, a paper with its normalised abstract (and for a
titled one, an untitled paper with its abstract, which the title then completes). A match never
makes a second paper: it fills the paper's blank fields, adds missing links and authors, and
records one more appearance (a SourceRecord) unless the same record from the same file is already
recorded.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from bibliography.duplicates import told_apart
from bibliography.formats.records import PaperRecord
from bibliography.history import papers_snapshot
from bibliography.models import ImportRun, Paper, PaperLink, TitleSketch

from .authors import authorships_add
from .citations import references_add
from .concepts import concept_tags_add, keywords_add, topic_tags_add
from .copy import allocate_ids, copy_from_file
from .curation import differences_propose, duplicate_candidates_add
from .duplicates_beside import SKETCH_FIELDS, SearchBeside
from .filling import Venues, date_listed, fill_blanks, new_paper, record_year
from .keys import key_aliases_add, keys_choose, keys_follow
from .matching import PAPER_FIELDS, Candidates, Facts, existing_candidates, record_facts, same_in_one_file
from .provenance import sources_add
from .results import ImportResult, Landed

_NEW_PAPER_FIELDS = [
    *PAPER_FIELDS,
    "citation_key_provisional",
    "authors_truncated",
    "cited_by_count",
    "created_at",
    "updated_at",
]


@dataclass
class PaperLoader:
    """Loads one file's records, batch after batch, into `run`, counting in `result`. `year` (--year)
    dates a listing's papers whose dates give none."""

    run: ImportRun
    year: int | None
    result: ImportResult
    venues: Venues = field(default_factory=Venues)
    beside: SearchBeside | None = None  # the search for duplicates of the new papers, if made beside

    @property
    def file_name(self) -> str:
        return self.run.file_name

    def load_papers(self, records: list[PaperRecord]) -> list[Paper]:
        """Write one batch; returns the paper each record landed on, in order."""
        existing = existing_candidates(records, self.run)
        in_batch = Candidates()
        first_record: dict[int, tuple[PaperRecord, int | None]] = {}  # new papers of this batch, by id()
        # papers already stored that a record of this batch landed on, and that record
        landed_now: dict[int, tuple[PaperRecord, int | None]] = {}
        created: list[Paper] = []
        landed: list[Landed] = []
        changed: dict[int, set[str]] = {}
        suspected: list[tuple[Paper, PaperRecord]] = []
        aliases: list[tuple[str, Paper]] = []
        differing: list[tuple[Paper, PaperRecord]] = []  # stored papers a record of another source landed on
        for record in records:
            date_listed(record, self.year, self.result.warnings)
            year = record_year(record, self.year)
            facts = record_facts(record, year)
            paper, suspects = existing.match(record, facts)
            seen_before = paper is not None and existing.by_raw.get(record.raw_hash) is paper
            if paper is not None and not seen_before and not _one_work(existing, landed_now, paper, record, year):
                paper, suspects = None, [*suspects, paper]
            if paper is None:
                other, more = in_batch.match(record, facts)
                suspects += more
                if other is not None and same_in_one_file(*first_record[id(other)], record, year):
                    paper = other
                elif other is not None:
                    suspects.append(other)
            suspected += [
                (suspect, record) for suspect in suspects if not _told_apart(facts, existing, in_batch, suspect)
            ]
            if paper is None:
                _identifiers_held_elsewhere(record, existing, in_batch)
                paper = new_paper(record, year, self.venues)
                created.append(paper)
                in_batch.add(paper, facts)
                first_record[id(paper)] = (record, year)
                landed.append(Landed(record, paper, True))
                continue
            of_this_file = id(paper) in first_record or paper.pk in landed_now or paper.pk in existing.this_run
            if record.citation_key and not seen_before:  # a document citing this file's key finds the paper
                aliases.append((record.citation_key, paper))
            if paper.pk is not None and not of_this_file and not seen_before:
                differing.append((paper, record))
            if paper.pk is not None:
                landed_now.setdefault(paper.pk, (record, year))
            _identifiers_held_elsewhere(record, existing, in_batch, but=paper)
            fields = fill_blanks(paper, record, year, self.venues)  # a paper new in this batch is completed too
            if fields and paper.pk is not None:
                changed.setdefault(paper.pk, set()).update(fields)
                existing.add(paper, record_facts(record, year))
            landed.append(Landed(record, paper, False))

        self._write(created, changed, landed)
        differences_propose(differing, self.run, self.result)
        touched = authorships_add(landed, self.file_name) | _links_add(landed, self.file_name)
        touched |= concept_tags_add(landed, self.result) | topic_tags_add(landed, self.result)
        touched |= keywords_add(landed, self.file_name, self.result) | set(changed)
        keys_follow(touched - {paper.pk for paper in created})  # a new paper's key was made from its record
        references_add(landed)
        aliases += [(key, paper) for record, paper, _ in landed for key in record.alias_keys]
        sources_add(landed, self.run, self.year)
        key_aliases_add(aliases)
        duplicate_candidates_add(suspected, landed, self.result)
        self._count(landed, touched)
        return [paper for _, paper, _ in landed]

    def _write(self, created: list[Paper], changed: dict[int, set[str]], landed: list[Landed]) -> None:
        """The batch's new papers, with their keys and ids, and the fields it filled in stored ones;
        each with a history snapshot."""
        keys_choose([(record, paper) for record, paper, new in landed if new])
        for paper, pk in zip(created, allocate_ids(Paper, len(created)), strict=True):
            paper.pk = pk
        lines = [record.line for record, _, new in landed if new]
        copy_from_file(self.file_name, None, _NEW_PAPER_FIELDS, created, lines)
        _sketches_add(landed, self.file_name, self.beside)
        papers_snapshot((p.pk for p in created), reason=f"imported from {self.file_name}", created=True)
        if changed:
            now = timezone.now()
            to_update = {p.pk: p for _, p, _ in landed if p.pk in changed}
            for paper in to_update.values():
                paper.updated_at = now
            fields = set().union(*changed.values()) | {"updated_at"}
            Paper.objects.bulk_update(list(to_update.values()), sorted(fields))
            papers_snapshot(to_update, reason=f"completed from {self.file_name}", created=False)

    def _count(self, landed: list[Landed], touched: set[int]) -> None:
        """Each record counted once: it created its paper, updated it (the first record to), or neither."""
        for _, paper, new in landed:
            self.result.records += 1
            if new:
                self.result.created += 1
            elif paper.pk in touched:
                self.result.updated += 1
                touched.discard(paper.pk)
            else:
                self.result.unchanged += 1


def _told_apart(facts: Facts, existing: Candidates, in_batch: Candidates, suspect: Paper) -> bool:
    """A paper with the record's title that the search for duplicates would not pair with it either
    (years far apart; a short title by another first author): no candidate for the curators."""
    theirs = existing.facts.get(id(suspect)) or in_batch.facts[id(suspect)]
    return told_apart(facts.title_key, facts.year, (facts.first_family, ""), theirs.year, (theirs.first_family, ""))


def _one_work(existing: Candidates, landed_now, paper: Paper, record: PaperRecord, year: int | None) -> bool:
    """Whether a record may be this stored paper, by the rule for two records of one file when a
    record of this file already landed on it (in this batch, or in an earlier one: its provenance)."""
    if earlier := landed_now.get(paper.pk):
        return same_in_one_file(*earlier, record, year)
    if paper.pk in existing.this_run:
        return existing.same_in_one_file_as(paper, record, year)
    return True


def _identifiers_held_elsewhere(record: PaperRecord, *held: Candidates, but: Paper | None = None) -> None:
    """A record that is another work than the paper holding its DOI or arXiv id (a chapter given its
    book's DOI) keeps them as the file wrote them, not as its own: an identifier names one paper."""
    if record.doi and any(c.by_doi.get(record.doi) not in (None, but) for c in held):
        record.extra.setdefault("DOI", record.doi)
        record.doi = None
    if record.arxiv_id and any(c.by_arxiv.get(record.arxiv_id) not in (None, but) for c in held):
        record.extra.setdefault("arxiv-id", record.arxiv_id)
        record.arxiv_id = None


def _sketches_add(landed: list[Landed], file_name: str, beside: SearchBeside | None) -> None:
    """The band keys the parser made of new papers' titles, so that the search for duplicates need
    not make them (or to the search beside the import); a paper whose title a later record of the
    batch gave is left to the search."""
    made = [
        (record, paper)
        for record, paper, new in landed
        if new and record.title_sketch and paper.title_key == record.title_key
    ]
    sketches = [(paper.pk, *record.title_sketch, record.title_key) for record, paper in made]
    lines = [record.line for record, _ in made]
    if beside is not None:
        beside.add(file_name, sketches, lines)
    else:
        copy_from_file(file_name, TitleSketch, SKETCH_FIELDS, sketches, lines)


def _links_add(landed: list[Landed], file_name: str) -> set[int]:
    """The records' links their papers lack; the ids of the papers given some."""
    wanted = {(paper.pk, url): kind for record, paper, _ in landed for url, kind in record.links if len(url) <= 2000}
    if not wanted:
        return set()
    have = set(
        PaperLink.objects.filter(paper_id__any={pk for pk, _ in wanted}, url__any={url for _, url in wanted})
        .order_by()
        .values_list("paper_id", "url")
    )
    line_of = {paper.pk: record.line for record, paper, _ in reversed(landed)}
    new = [PaperLink(paper_id=pk, url=url, kind=kind) for (pk, url), kind in wanted.items() if (pk, url) not in have]
    copy_from_file(file_name, None, ["paper", "url", "kind"], new, [line_of[link.paper_id] for link in new])
    return {link.paper_id for link in new}
