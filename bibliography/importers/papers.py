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

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from bibliography.citation_keys import StemCounters
from bibliography.duplicates import told_apart
from bibliography.formats.records import PaperRecord
from bibliography.history import papers_snapshot
from bibliography.models import ImportRun, Paper, PaperLink, TitleSketch

from .authors import NewAuthorships
from .citations import references_add
from .concepts import NewKeywords, concept_tags_add, topic_tags_add
from .copy import Made, Write, allocate_ids, copied_behind, copy_write, made, sent, sent_behind
from .curation import differences_propose, duplicate_candidates_add
from .duplicates_beside import SKETCH_FIELDS, SearchBeside
from .filling import Venues, date_listed, fill_blanks, new_paper, record_year
from .keys import key_aliases_add, keys_choose, keys_follow
from .matching import PAPER_FIELDS, Candidates, Facts, Unsent, existing_candidates, record_facts, same_in_one_file
from .provenance import NewSources
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
    # the citation keys' counters, held for the whole file and written by `finish()`; else each batch's
    stems: StemCounters | None = None
    # Each batch's provenance, authorships, links, keywords and title sketches sent while the next batch
    # is matched (matching reads the first two from `unsent`); `finish()` sends the last batch's.
    pipelined: bool = False
    _writes: list[Write] = field(default_factory=list)
    _unsent: Unsent = field(default_factory=Unsent)

    @property
    def file_name(self) -> str:
        return self.run.file_name

    def load_papers(self, records: list[PaperRecord], meanwhile: Callable[[], None] | None = None) -> list[Paper]:
        """Write one batch; returns the paper each record landed on, in order. `meanwhile` is called
        while PostgreSQL writes the batch's papers, and may make no query (the next batch read)."""
        existing = existing_candidates(records, self.run, self._unsent)
        self.venues.read(records)
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
        with sent_behind(self.file_name, self._writes):
            self._writes, self._unsent = [], Unsent()
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

        touched = self._write(created, changed, landed, differing, meanwhile)
        if stored_touched := touched - {paper.pk for paper in created}:
            self._send_unsent()  # their keys are made again from what they have now
        keys_follow(stored_touched)  # a new paper's key was made from its record
        references_add(landed)
        aliases += [(key, paper) for record, paper, _ in landed for key in record.alias_keys]
        key_aliases_add(aliases)
        duplicate_candidates_add(suspected, landed, self.result)
        self._count(landed, touched)
        return [paper for _, paper, _ in landed]

    def _write(
        self, created: list[Paper], changed: dict[int, set[str]], landed: list[Landed], differing, meanwhile
    ) -> set[int]:
        """The batch's new papers, with their keys and ids, and what hangs on them (authors, links,
        keywords, tags, provenance), and the fields it filled in stored ones, each paper with a history
        snapshot; the ids of the papers given something. What the library has is read before the
        papers' COPY, and the rows that hang on them are made while PostgreSQL writes them; those that
        nothing before the next batch's matching reads are left to be sent then (`pipelined`)."""
        self.venues.save(paper for _, paper, _ in landed)
        keys_choose([(record, paper) for record, paper, new in landed if new], self.stems)
        for paper, pk in zip(created, allocate_ids(Paper, len(created)), strict=True):
            paper.pk = pk
        stored = {paper.pk for _, paper, _ in landed} - {paper.pk for paper in created}
        hanging = [
            NewAuthorships(landed, self.file_name, stored),
            NewLinks(landed, self.file_name, stored),
            NewKeywords(landed, self.file_name, self.result, stored),
            NewSources(landed, self.run, self.year, stored),
        ]
        lines = [record.line for record, _, new in landed if new]
        with copied_behind(self.file_name, created, _NEW_PAPER_FIELDS, lines):
            for rows in hanging:
                rows.make()
            sketches, sketch_lines = _sketch_rows(landed)
            sketch_text = made(sketches)
            if meanwhile is not None:
                meanwhile()
        papers_snapshot((p.pk for p in created), reason=f"imported from {self.file_name}", created=True)
        if changed:
            now = timezone.now()
            to_update = {p.pk: p for _, p, _ in landed if p.pk in changed}
            for paper in to_update.values():
                paper.updated_at = now
            fields = set().union(*changed.values()) | {"updated_at"}
            Paper.objects.bulk_update(list(to_update.values()), sorted(fields))
            papers_snapshot(to_update, reason=f"completed from {self.file_name}", created=False)
        differences_propose(differing, self.run, self.result)
        authorships, links, keywords, sources = hanging
        authorships.truncated_mark()
        touched = authorships.given() | links.given() | keywords.given() | set(changed)
        touched |= concept_tags_add(landed, self.result) | topic_tags_add(landed, self.result)
        self._writes = [*self._sketches_add(sketches, sketch_text, sketch_lines), *(rows.copy() for rows in hanging)]
        self._unsent = Unsent(sources.seen(), authorships.people())
        if not self.pipelined:
            self._send_unsent()
        return touched

    def finish(self) -> None:
        """What the loader holds for the whole file, written before the file's transaction ends."""
        self._send_unsent()
        if self.stems is not None:
            self.stems.save()

    def _send_unsent(self) -> None:
        sent(self.file_name, self._writes)
        self._writes, self._unsent = [], Unsent()

    def _sketches_add(self, sketches: list[tuple], text: Made, lines: list[int]) -> list[Write]:
        """The band keys the parser made of new papers' titles (and their COPY text), so that the search
        for duplicates need not make them: to the search beside the import, or to be written."""
        if self.beside is not None:
            self.beside.add(self.file_name, sketches, lines, text)
            return []
        return [copy_write(TitleSketch, SKETCH_FIELDS, text, lines)]

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


def _sketch_rows(landed: list[Landed]) -> tuple[list[tuple], list[int]]:
    """New papers' sketches as the parser made them, and their records' lines; a paper whose title a
    later record of the batch gave is left to the search."""
    made = [
        (record, paper)
        for record, paper, new in landed
        if new and record.title_sketch and paper.title_key == record.title_key
    ]
    return [(paper.pk, *record.title_sketch, record.title_key) for record, paper in made], [r.line for r, _ in made]


class NewLinks:
    """The records' links their papers lack: what stored papers have read first, the rows made while
    the batch's papers are written (no query), then written."""

    def __init__(self, landed: list[Landed], file_name: str, stored: set[int]):
        """`stored`: the ids of the papers stored before this batch (the others have no links yet)."""
        self.landed, self.file_name = landed, file_name
        self.rows: list[tuple[int, str, str]] = []
        self.lines: list[int] = []
        self.text = Made()  # the rows as COPY text, once made
        papers = {paper.pk for record, paper, _ in landed if record.links and paper.pk in stored}
        urls = {url for record, paper, _ in landed if paper.pk in papers for url, _ in record.links}
        self.have = set(
            PaperLink.objects.filter(paper_id__any=papers, url__any=urls).order_by().values_list("paper_id", "url")
            if papers
            else ()
        )

    def make(self) -> None:
        wanted = {
            (paper.pk, url): kind for record, paper, _ in self.landed for url, kind in record.links if len(url) <= 2000
        }
        line_of = {paper.pk: record.line for record, paper, _ in reversed(self.landed)}
        self.rows = [(pk, url, kind) for (pk, url), kind in wanted.items() if (pk, url) not in self.have]
        self.lines = [line_of[pk] for pk, _, _ in self.rows]
        self.text = made(self.rows)

    def copy(self) -> Write:
        return copy_write(PaperLink, ["paper", "url", "kind"], self.text, self.lines)

    def given(self) -> set[int]:
        """The ids of the papers given some."""
        return {pk for pk, _, _ in self.rows}
