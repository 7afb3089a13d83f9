"""Writing parsed records into the database: match, fill, bulk insert, record provenance.

One file is one transaction. Records arrive from the parser as a stream and are written in
batches, each batch costing a fixed number of queries whatever its size, so memory and round
trips stay bounded on files of any length.

Matching: a record is the paper that has its DOI or arXiv id; else the paper with its normalised
title; else, for an untitled record, a paper with its normalised abstract (and for a titled one, an
untitled paper with its abstract, which the title then completes). A match never makes a second
paper: it fills the paper's blank fields, adds missing links and authors, and records one more
appearance (a SourceRecord) unless the same record from the same file is already recorded.
"""

import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Case, Prefetch, Q, When
from django.db.models.fields.json import KT
from django.db.models.functions import MD5
from django.utils import timezone
from django.utils.text import slugify

from bibliography import dates, identifiers, text
from bibliography.citation_keys import choose_keys, key_stem, keys_assign, keys_locked, provisional, usable_key
from bibliography.formats.base import Format
from bibliography.formats.errors import DumpError, InvalidRecords
from bibliography.formats.names import split_name
from bibliography.formats.reader import DumpReader, file_sha256
from bibliography.formats.records import UNTITLED_REASONS, PaperRecord, Person, TalkRecord, VenueRecord
from bibliography.formats.registry import FORMATS, detect_format
from bibliography.history import papers_snapshot
from bibliography.models import (
    CSL_COLUMNS,
    Author,
    Authorship,
    Citation,
    CitationKeyAlias,
    Concept,
    ConceptKind,
    ConceptRelation,
    DuplicateCandidate,
    DuplicateReason,
    ImportRun,
    ImportStatus,
    ItemType,
    KeyPoint,
    Keyword,
    Paper,
    PaperAlias,
    PaperConcept,
    PaperKeyword,
    PaperKind,
    PaperLink,
    ReferenceScheme,
    ReviewStatus,
    Source,
    SourceRecord,
    UnresolvedReference,
    Venue,
    credit,
)
from bibliography.proposing import authors_named, offered, proposals, proposals_save, venue_names

from .batches import batched, made_elsewhere, read_ahead
from .copy import CopyRefused, allocate_ids, copy_objects, copy_rows
from .matching import PAPER_FIELDS, Candidates, existing_candidates, record_facts, same_in_one_file

BATCH_SIZE = 1000
TITLE_CHARS = Paper._meta.get_field("title").max_length
_WORDS = re.compile(r"\w")

# Imports run one at a time: two imports of the same file at the same moment would otherwise both
# see "no such paper" and both insert it.
_IMPORT_LOCK = 0x6269626C696F  # "biblio"

_NEW_PAPER_FIELDS = [
    *PAPER_FIELDS,
    "citation_key_provisional",
    "authors_truncated",
    "cited_by_count",
    "created_at",
    "updated_at",
]
_AUTHOR_FIELDS = ["id", "name", "name_key", "family", "given", "particle", "suffix", "literal", "orcid", "openalex_id"]
_SOURCE_FIELDS = [
    "import_run",
    "paper",
    "file_name",
    "line_number",
    "raw_hash",
    "listed_month",
    "listed_day",
    "listed_on",
]


def person_key(person: Person) -> str:
    """Who a record's person is: their ORCID, else their OpenAlex id, else their name."""
    if person.orcid:
        return f"orcid:{person.orcid}"
    if person.openalex_id:
        return f"openalex:{person.openalex_id}"
    return f"name:{text.name_key(person.name)}"


class Warnings(list):
    """A file's warnings, the first thousand of them kept (a million-entry file may warn on every
    entry: memory stays bounded), and how many more there were."""

    KEPT = 1000

    def __init__(self):
        super().__init__()
        self.more = 0

    def append(self, warning: str) -> None:
        if len(self) < self.KEPT:
            super().append(warning)
        else:
            self.more += 1

    def told(self) -> list[str]:
        return [*self, f"… and {self.more:,} more warnings"] if self.more else list(self)


@dataclass
class ImportResult:
    file_name: str
    format: str = ""
    dry_run: bool = False
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    proposed: int = 0  # differences from what stored papers say, kept for curators (proposing.py)
    also_created: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=lambda: Warnings())
    error: DumpError | None = None
    rejected: list[PaperRecord] = field(default_factory=list)
    rejected_to: Path | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def import_file(
    path: Path,
    *,
    format: str | None = None,
    year: int | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    strict: bool = False,
    write_rejected: bool = True,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import one dump atomically: everything it holds, or on any error nothing (and every error).

    A value a reader cannot normalise is kept as the file wrote it, and said as a warning; with
    `strict`, it makes its record invalid instead, as a record that names no work always is.

    With `skip_invalid`, the records that cannot be imported are left out instead, and written,
    as they were, to `<file>.rejected<suffix>` beside it, with the reasons in `<file>.rejected.txt`.
    """
    result = ImportResult(file_name=path.name, dry_run=dry_run)
    started = timezone.now()
    try:
        if format and format not in FORMATS:
            raise DumpError(path.name, None, f"unknown format {format!r}: one of {', '.join(FORMATS)}")
        file_format = FORMATS[format] if format else detect_format(path)
        result.format = file_format.name
        reader = DumpReader(path)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK])
            run = ImportRun.objects.create(
                file_name=path.name, sha256="", format=result.format, started_at=started, status=ImportStatus.SUCCEEDED
            )
            loader = Loader(run=run, year=year, result=result)
            try:
                if file_format.one_record:
                    loader.load_talk(file_format.parse(reader, path.name, result.warnings))
                else:
                    for batch, bytes_read, warnings in _parsed(file_format, reader, path.name):
                        for warning in warnings:
                            result.warnings.append(warning)
                        reader.bytes_read = bytes_read
                        _unread(batch, path.name, result.warnings, strict)
                        rejected = [record for record in batch if record.problems]
                        result.rejected += rejected
                        loader.load_papers([record for record in batch if not record.problems] if rejected else batch)
                        if on_progress:
                            on_progress(reader.bytes_read)
            except (IntegrityError, DataError) as error:
                raise DumpError(path.name, None, f"the database refused it: {str(error).splitlines()[0]}") from error
            if result.rejected and not skip_invalid:
                raise InvalidRecords(path.name, [p for record in result.rejected for p in record.problems])
            if result.rejected and write_rejected and not dry_run:
                result.rejected_to = _write_rejected(path, file_format, result.rejected)
            if on_progress:
                on_progress(reader.bytes_read)
            run.sha256 = reader.sha256 if file_format.one_record else reader.final_sha256
            run.finished_at = timezone.now()
            run.records, run.created, run.updated, run.unchanged = (
                result.records,
                result.created,
                result.updated,
                result.unchanged,
            )
            run.warnings = result.warnings.told()
            run.save()
            if dry_run:
                transaction.set_rollback(True)
    except DumpError as error:
        result.error = error
        result.rejected_to = None
        result.records = result.created = result.updated = result.unchanged = 0
        result.also_created.clear()
        if not dry_run:
            _record_failure(path, result.format, started, error)
    except OSError as error:
        result.error = DumpError(path.name, None, f"cannot read the file: {error.strerror or error}")
    return result


def _column_limits() -> dict[str, int]:
    fields = {variable: Paper._meta.get_field(column) for variable, column in CSL_COLUMNS.items()}
    return {variable: field.max_length for variable, field in fields.items() if field.max_length}


def _unread(batch: list[PaperRecord], file_name: str, warnings: list[str], strict: bool) -> None:
    """Values no column can hold (a "language" of 60 characters is no language) are kept whole in the
    record's extra data, where every export finds them; then what could not be read is said, or with
    --strict, refuses its record."""
    limits = _column_limits()
    for record in batch:
        for variable, value in list(record.csl.items()):
            if variable in limits and len(value) > limits[variable]:
                del record.csl[variable]
                record.extra[variable] = value
                said = f"{variable}: longer than {limits[variable]} characters ({len(value):,}): not a {variable}"
                record.unread.append(DumpError(file_name, record.line, said))
        if record.unread and strict:
            record.problems += record.unread
        else:
            for unread in record.unread:
                warnings.append(f"{unread}; kept as written")


def _write_rejected(path: Path, file_format: Format, rejected: list[PaperRecord]) -> Path:
    """The rejected records as they were, in the file's own format, and why, beside the file."""
    records = path.with_name(f"{path.stem}.rejected{path.suffix}")
    records.write_text(file_format.records_text(record.raw for record in rejected), encoding="utf-8")
    reasons = path.with_name(f"{path.stem}.rejected.txt")
    reasons.write_text("".join(f"{p}\n" for record in rejected for p in record.problems), encoding="utf-8")
    return records


def _record_failure(path: Path, format: str, started, error: DumpError) -> None:
    try:
        sha256 = file_sha256(path)
    except (OSError, EOFError):  # unreadable, or a damaged gzip file
        sha256 = ""
    ImportRun.objects.create(
        file_name=path.name,
        sha256=sha256,
        format=format,
        started_at=started,
        finished_at=timezone.now(),
        status=ImportStatus.FAILED,
        error=str(error),
    )


def _parsed(
    file_format: Format, reader: DumpReader, file_name: str
) -> Iterator[tuple[list[PaperRecord], int, list[str]]]:
    """Batches of records with their matching keys, how far into the file each ends, and the
    warnings said while reading it; the reader's SHA-256 is set on it at the end."""

    def produce():
        warnings: list[str] = []
        records = file_format.parse(reader, file_name, warnings)
        for batch in _with_keys(batched(records, BATCH_SIZE), file_name):
            yield batch, reader.bytes_read, [*reader.warnings, *warnings]
            warnings.clear()
            reader.warnings.clear()
        yield [], reader.bytes_read, [*reader.warnings, *warnings, _SHA256 + reader.sha256]

    ahead = made_elsewhere(produce) if file_format.parse_elsewhere else read_ahead(produce())
    for batch, bytes_read, warnings in ahead:
        if warnings and warnings[-1].startswith(_SHA256):
            reader.final_sha256 = warnings.pop()[len(_SHA256) :]
        yield batch, bytes_read, warnings


def _cut_title(record: PaperRecord, file_name: str) -> None:
    """A title longer than its column is cut there and kept whole in extra, which exports write."""
    if len(record.title) > TITLE_CHARS:
        record.extra["title"] = record.title
        record.title = record.title[: TITLE_CHARS - 1].rstrip() + "…"
        said = f"title: longer than {TITLE_CHARS:,} characters ({len(record.extra['title']):,}): cut there"
        record.unread.append(DumpError(file_name, record.line, said))


_SHA256 = "\x00sha256:"  # how the parser's process says what it read (no warning starts with a NUL)


def _with_keys(batches: Iterable[list[PaperRecord]], file_name: str) -> Iterator[list[PaperRecord]]:
    for batch in batches:
        for record in batch:
            _cut_title(record, file_name)
            record.title_key, record.abstract_key, record.isbn_key, record.raw_hash  # noqa: B018 — computed in the reading thread
        yield batch


def _first_family(record: PaperRecord) -> str | None:
    if not record.authors:
        return None
    first = record.authors[0]
    return first.parts.family if first.parts else split_name(first.name).family


def _item_type(record: PaperRecord) -> str:
    if record.kind == PaperKind.TALK:
        return ItemType.SPEECH
    return record.item_type or ItemType.ARTICLE


def _more_precise(record: PaperRecord, paper: Paper, year: int | None) -> bool:
    """Whether the record dates the paper better than it is dated: a date where it has none, or the
    month and day of the very year it has."""
    if year is None or paper.year not in (None, year):
        return False
    theirs = (record.issued or {}).get("date-parts") or ([[year]] if not record.published_on else [[0, 0, 0]])
    mine = (paper.issued or {}).get("date-parts") or ([[paper.year]] if paper.year else [])
    return not mine or len(theirs[0]) > len(mine[0])


@dataclass
class Loader:
    run: ImportRun
    year: int | None
    result: ImportResult
    _venues: dict[str, Venue] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        return self.run.file_name

    # papers ---------------------------------------------------------------------------------

    def load_papers(self, records: list[PaperRecord]) -> list[Paper]:
        """Write one batch; returns the paper each record landed on, in order."""
        existing = existing_candidates(records, self.run)
        in_batch = Candidates()
        first_record: dict[int, tuple[PaperRecord, int | None]] = {}  # new papers of this batch, by id()
        # papers already stored that a record of this batch landed on, and that record
        landed_now: dict[int, tuple[PaperRecord, int | None]] = {}
        created: list[Paper] = []
        landed: list[tuple[PaperRecord, Paper, bool]] = []
        changed: dict[int, set[str]] = {}
        suspected: list[tuple[Paper, PaperRecord]] = []
        aliases: list[tuple[str, Paper]] = []
        differing: list[tuple[Paper, PaperRecord]] = []  # stored papers a record of another source landed on
        for record in records:
            self._date_listed(record)
            year = self._year(record)
            facts = record_facts(record, year)
            paper, suspects = existing.match(record, facts)
            seen_before = paper is not None and existing.by_raw.get(record.raw_hash) is paper
            if paper is not None and not seen_before and not self._one_work(existing, landed_now, paper, record, year):
                paper, suspects = None, [*suspects, paper]
            if paper is None:
                other, more = in_batch.match(record, facts)
                suspects += more
                if other is not None and same_in_one_file(*first_record[id(other)], record, year):
                    paper = other
                elif other is not None:
                    suspects.append(other)
            suspected += [(suspect, record) for suspect in suspects]
            if paper is None:
                _identifiers_held_elsewhere(record, existing, in_batch)
                paper = self._new_paper(record, year)
                created.append(paper)
                in_batch.add(paper, facts)
                first_record[id(paper)] = (record, year)
                landed.append((record, paper, True))
                continue
            of_this_file = id(paper) in first_record or paper.pk in landed_now or paper.pk in existing.this_run
            if record.citation_key and not seen_before:  # a document citing this file's key finds the paper
                aliases.append((record.citation_key, paper))
            if paper.pk is not None and not of_this_file and not seen_before:
                differing.append((paper, record))
            if paper.pk is not None:
                landed_now.setdefault(paper.pk, (record, year))
            _identifiers_held_elsewhere(record, existing, in_batch, but=paper)
            fields = self._fill_blanks(paper, record, year)  # a paper new in this batch is completed too
            if fields and paper.pk is not None:
                changed.setdefault(paper.pk, set()).update(fields)
                existing.add(paper, record_facts(record, year))
            landed.append((record, paper, False))

        self._choose_keys([(record, paper) for record, paper, is_new in landed if is_new])
        for paper, pk in zip(created, allocate_ids(Paper, len(created)), strict=True):
            paper.pk = pk
        self._copy(created, _NEW_PAPER_FIELDS, [record.line for record, _, is_new in landed if is_new])
        papers_snapshot((p.pk for p in created), reason=f"imported from {self.file_name}", created=True)
        if changed:
            now = timezone.now()
            to_update = {p.pk: p for _, p, _ in landed if p.pk in changed}
            for paper in to_update.values():
                paper.updated_at = now
            fields = set().union(*changed.values()) | {"updated_at"}
            Paper.objects.bulk_update(list(to_update.values()), sorted(fields))
            papers_snapshot(to_update, reason=f"completed from {self.file_name}", created=False)

        self._propose_differences(differing)
        touched = self._add_authors(landed) | self._add_links(landed) | self._add_concepts(landed)
        touched |= self._add_topics(landed)
        touched |= self._add_keywords(landed) | set(changed)
        self._follow_keys(touched)
        self._add_references(landed)
        aliases += [(key, paper) for record, paper, _ in landed for key in record.alias_keys]
        self._add_sources(landed)
        self._add_key_aliases(aliases)
        self._add_duplicate_candidates(suspected, landed)
        for _, paper, is_new in landed:
            self.result.records += 1
            if is_new:
                self.result.created += 1
            elif paper.pk in touched:
                self.result.updated += 1
                touched.discard(paper.pk)
            else:
                self.result.unchanged += 1
        return [paper for _, paper, _ in landed]

    @staticmethod
    def _one_work(existing: Candidates, landed_now, paper: Paper, record: PaperRecord, year: int | None) -> bool:
        """Whether a record may be this stored paper, by the rule for two records of one file when a
        record of this file already landed on it (in this batch, or in an earlier one: its provenance)."""
        if earlier := landed_now.get(paper.pk):
            return same_in_one_file(*earlier, record, year)
        if paper.pk in existing.this_run:
            return existing.same_in_one_file_as(paper, record, year)
        return True

    def _propose_differences(self, differing: list[tuple[Paper, PaperRecord]]) -> None:
        """What a record says that its stored paper says otherwise is proposed, never written over
        (proposing.py); the blanks were filled already."""
        if not differing:
            return
        authors_now = authors_named(paper.pk for paper, _ in differing)
        venues = venue_names(paper for paper, _ in differing)
        found = []
        for paper, record in differing:
            values = offered(paper, record, authors_now.get(paper.pk, []), venues.get(paper.venue_id, ""), blanks=False)
            reason = f"{self.file_name}, line {record.line}, says otherwise"
            found += proposals(
                paper, values, source=self.file_name, url=_source_url(record), reason=reason, run=self.run
            )
        self.result.proposed += proposals_save(found)

    def _add_key_aliases(self, aliases: list[tuple[str, Paper]]) -> None:
        """An entry that is a paper already there (a second entry of the file, or another file's): its
        key names the paper too, unless another paper has it."""
        wanted = {key: paper for key, paper in aliases if usable_key(key) and key != paper.citation_key}
        if not wanted:
            return
        taken = set(Paper.objects.filter(citation_key__in=wanted).values_list("citation_key", flat=True))
        CitationKeyAlias.objects.bulk_create(
            [CitationKeyAlias(key=key, paper=paper) for key, paper in wanted.items() if key not in taken],
            ignore_conflicts=True,
        )

    def _add_duplicate_candidates(self, suspected: list[tuple[Paper, PaperRecord]], landed) -> None:
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
            also = self.result.also_created
            also["duplicate candidates"] = also.get("duplicate candidates", 0) + len(candidates)

    def _follow_keys(self, touched: set[int]) -> None:
        """Papers this file gave authors or a year trade a provisional key for a real one."""
        if not touched:
            return
        authorships = Authorship.objects.select_related("author").order_by("position")
        completed = Paper.objects.filter(pk__in=touched, citation_key_provisional=True, year__isnull=False)
        keys_assign(list(completed.prefetch_related(Prefetch("authorships", authorships))))

    def _choose_keys(self, new: list[tuple[PaperRecord, Paper]]) -> None:
        """Citation keys for new papers: the file's own key when free, else one made like an export's."""
        if not new:
            return
        keys_locked()
        wanted = [(usable_key(record.citation_key), key_stem(paper, _first_family(record))) for record, paper in new]
        for (record, paper), (preferred, _), key in zip(new, wanted, choose_keys(wanted), strict=True):
            paper.citation_key = key
            paper.citation_key_provisional = key != preferred and provisional(_first_family(record), paper)
            if record.citation_key and record.citation_key != key:
                paper.extra = {**paper.extra, "citation-key": record.citation_key}  # the file's own, taken or unusable

    def _venue(self, record: VenueRecord | None) -> Venue | None:
        if record is None:
            return None
        if record.name not in self._venues:
            self._venues[record.name], _ = Venue.objects.get_or_create(
                name=record.name,
                defaults={"kind": record.kind, "short_name": record.short_name, "year": record.year},
            )
        return self._venues[record.name]

    def _date_listed(self, record: PaperRecord) -> None:
        """A listing's date of the paper itself: its day, in the year the page gives (or --year)."""
        if record.published and not record.published_on and not record.issued:
            listed_year = record.listed.year if record.listed else None
            record.published_on = record.published.resolved(record.published.year or listed_year or self.year)
            if record.published_on is None:
                day = f"{record.published.month:02d}-{record.published.day:02d}"
                self.result.warnings.append(f"line {record.line}: the paper's date ({day}) has no year: give --year")

    def _year(self, record: PaperRecord) -> int | None:
        if year := dates.year_of(record.issued):
            return year
        if record.year:
            return record.year
        if record.published_on:
            return record.published_on.year
        if record.listed:
            return record.listed.year or self.year
        return None

    def _new_paper(self, record: PaperRecord, year: int | None) -> Paper:
        issued, year, published_on = dates.settled(record.issued, year, record.published_on)
        paper = Paper(
            title=record.title,
            abstract=record.abstract,
            kind=record.kind,
            item_type=_item_type(record),
            venue=self._venue(record.venue),
            doi=record.doi,
            arxiv_id=record.arxiv_id,
            issued=issued,
            year=year,
            published_on=published_on,
            accessed=record.accessed,
            authors_truncated=record.authors_truncated,
            extra=record.extra,
            needs_review=bool(record.review_reason),
            review_reason=record.review_reason,
            title_key=record.title_key,
            abstract_key=record.abstract_key,
            isbn_key=record.isbn_key or "",
            **{CSL_COLUMNS[variable]: value for variable, value in record.csl.items()},
        )
        return paper

    def _fill_blanks(self, paper: Paper, record: PaperRecord, year: int | None) -> set[str]:
        """Complete what the paper lacks from the record; never overwrite what is there."""
        fields: set[str] = set()
        if not paper.title and record.title:
            paper.title = record.title
            fields |= {"title", "title_key"}
            if paper.review_reason in UNTITLED_REASONS:
                paper.needs_review, paper.review_reason = False, ""
                fields |= {"needs_review", "review_reason"}
        if not paper.abstract and record.abstract:
            paper.abstract = record.abstract
            fields |= {"abstract", "abstract_key"}
        for name in ("doi", "arxiv_id"):
            if getattr(paper, name) is None and getattr(record, name):
                setattr(paper, name, getattr(record, name))
                fields.add(name)
        if paper.venue_id is None and record.venue:
            paper.venue = self._venue(record.venue)
            fields.add("venue")
        if _more_precise(record, paper, year):
            paper.issued, paper.year, paper.published_on = dates.settled(record.issued, year, record.published_on)
            fields |= {"issued", "year", "published_on"}
        if paper.accessed is None and record.accessed:
            paper.accessed = record.accessed
            fields.add("accessed")
        for variable, value in record.csl.items():
            if not getattr(paper, CSL_COLUMNS[variable]):
                setattr(paper, CSL_COLUMNS[variable], value)
                fields.add(CSL_COLUMNS[variable])
        more_specific = record.item_type not in (None, ItemType.ARTICLE, ItemType.SPEECH)
        if paper.item_type == ItemType.ARTICLE and paper.kind == PaperKind.ARTICLE and more_specific:
            paper.item_type = record.item_type
            fields.add("item_type")
        # what another file wrote about its own format is that file's: only CSL variables are filled
        own_format = ("bibtex", "ris", "citation-key")
        if missing := {k: v for k, v in record.extra.items() if k not in paper.extra and k not in own_format}:
            paper.extra = {**paper.extra, **missing}
            fields.add("extra")
        if fields & {"title", "abstract", "isbn"}:
            paper.refresh_keys()
            fields |= {"isbn_key"} if "isbn" in fields else set()
        return fields

    def _add_authors(self, landed) -> set[int]:
        wanted = [(paper, record.authors) for record, paper, _ in landed if record.authors]
        if not wanted:
            return set()
        with_authors = set(
            Authorship.objects.filter(paper_id__in={p.pk for p, _ in wanted}).values_list("paper_id", flat=True)
        )
        todo: dict[int, tuple[PaperRecord, Paper]] = {}
        for record, paper, _ in landed:
            if record.authors and paper.pk not in with_authors and paper.pk not in todo:
                todo[paper.pk] = (record, paper)
        if not todo:
            return set()
        authors = self._authors([person for record, _ in todo.values() for person in record.authors])
        rows, lines = [], []
        truncated = []
        for paper_id, (record, paper) in todo.items():
            seen: set[tuple[int, str]] = set()  # a person is listed once in each role (author and editor)
            for person in record.authors:
                author = authors[person_key(person)]
                if (author.pk, person.role) not in seen:
                    seen.add((author.pk, person.role))
                    credited = credit(person.name, person.parts, author)
                    rows.append((paper_id, author.pk, len(seen), person.role, credited))
                    lines.append(record.line)
            if record.authors_truncated and not paper.authors_truncated and paper.pk is not None:
                truncated.append(paper_id)
        self._copy_rows(Authorship, ["paper", "author", "position", "role", "credited"], rows, lines)
        Paper.objects.filter(pk__in=truncated).update(authors_truncated=True)
        return set(todo)

    def _authors(self, people: list[Person]) -> dict[str, Author]:
        """The author of each person (by `person_key`): the one with their ORCID or OpenAlex id, else
        the oldest of their name that no other ORCID names (given the ids it lacked); new ones made
        with the parts and ids the file gave."""
        by_key: dict[str, Person] = {}
        for person in people:
            by_key.setdefault(person_key(person), person)
        orcids = {p.orcid for p in by_key.values() if p.orcid}
        openalex_ids = {p.openalex_id for p in by_key.values() if p.openalex_id}
        names = {text.name_key(p.name) for p in by_key.values()}
        known = Author.objects.filter(Q(orcid__in=orcids) | Q(openalex_id__in=openalex_ids) | Q(name_key__in=names))
        by_orcid, by_openalex, by_name = {}, {}, {}
        for author in known.order_by("id").defer("search_vector"):
            by_orcid.setdefault(author.orcid, author)
            by_openalex.setdefault(author.openalex_id, author)
            by_name.setdefault(author.name_key, []).append(author)
        found: dict[str, Author] = {}
        completed, missing = [], []
        for key, person in by_key.items():
            author = by_orcid.get(person.orcid) if person.orcid else None
            author = author or (by_openalex.get(person.openalex_id) if person.openalex_id else None)
            if author is None:
                author = next(
                    (a for a in by_name.get(text.name_key(person.name), []) if not (a.orcid and person.orcid)), None
                )  # the same name with another ORCID is another person
            if author is None:
                author = Author(name=person.name, literal=bool(person.parts and person.parts.literal))
                author.settle_parts(person.parts if person.parts and not person.parts.literal else None)
                missing.append(author)
                by_name.setdefault(author.name_key, []).append(author)
            if (person.orcid and not author.orcid) or (person.openalex_id and not author.openalex_id):
                author.orcid = author.orcid or person.orcid
                author.openalex_id = author.openalex_id or person.openalex_id
                by_orcid.setdefault(author.orcid, author)
                by_openalex.setdefault(author.openalex_id, author)
                if author.pk is not None:
                    completed.append(author)
            found[key] = author
        for author, pk in zip(missing, allocate_ids(Author, len(missing)), strict=True):
            author.pk = author.id = pk
        self._copy(missing, _AUTHOR_FIELDS, [0] * len(missing))
        Author.objects.bulk_update(completed, ["orcid", "openalex_id"])
        return found

    def _add_links(self, landed) -> set[int]:
        wanted = {
            (paper.pk, url): kind for record, paper, _ in landed for url, kind in record.links if len(url) <= 2000
        }
        if not wanted:
            return set()
        have = set(
            PaperLink.objects.filter(
                paper_id__in={pk for pk, _ in wanted}, url__in={url for _, url in wanted}
            ).values_list("paper_id", "url")
        )
        line_of = {paper.pk: record.line for record, paper, _ in reversed(landed)}
        new = [
            PaperLink(paper_id=pk, url=url, kind=kind) for (pk, url), kind in wanted.items() if (pk, url) not in have
        ]
        self._copy(new, ["paper", "url", "kind"], [line_of[link.paper_id] for link in new])
        return {link.paper_id for link in new}

    def _add_concepts(self, landed) -> set[int]:
        """Accepted tags for the concepts a reference-manager file names (keywords)."""
        wanted = {(paper.pk, name) for record, paper, _ in landed for name in record.concepts}
        if not wanted:
            return set()
        concepts = self._concepts_named({name for _, name in wanted})
        have = set(
            PaperConcept.objects.filter(
                paper_id__in={pk for pk, _ in wanted}, concept__in=concepts.values()
            ).values_list("paper_id", "concept_id")
        )
        tags = []
        for pk, name in sorted(wanted):
            pair = (pk, concepts[name].pk)
            if pair not in have:
                have.add(pair)
                tags.append(
                    PaperConcept(
                        paper_id=pk, concept=concepts[name], source=Source.IMPORTED, status=ReviewStatus.ACCEPTED
                    )
                )
        PaperConcept.objects.bulk_create(tags)
        self.result.also_created["tags"] = self.result.also_created.get("tags", 0) + len(tags)
        return {tag.paper_id for tag in tags}

    def _add_topics(self, landed) -> set[int]:
        """A source's scored topics as suggested tags for the curators, under a branch of concepts of
        their own (made as needed: "OpenAlex topics" > domain > field > subfield > topic). A paper
        that already has the concept keeps its tag and the curator's decision."""
        wanted = [(paper.pk, topic) for record, paper, _ in landed for topic in record.topics]
        if not wanted:
            return set()
        concepts = self._topic_concepts([topic for _, topic in wanted])
        have = set(
            PaperConcept.objects.filter(
                paper_id__in={pk for pk, _ in wanted}, concept__in=concepts.values()
            ).values_list("paper_id", "concept_id")
        )
        tags = []
        for pk, topic in wanted:
            concept = concepts[topic.branch[-1][0]]
            if (pk, concept.pk) in have:
                continue
            have.add((pk, concept.pk))
            why = f"{topic.source} classified it under “{concept.name}” (score {topic.score:.2f})."
            tags.append(
                PaperConcept(paper_id=pk, concept=concept, score=topic.score, source=Source.IMPORTED,
                             status=ReviewStatus.SUGGESTED, reason=why[:300])
            )  # fmt: skip
        PaperConcept.objects.bulk_create(tags)
        self.result.also_created["suggested tags"] = self.result.also_created.get("suggested tags", 0) + len(tags)
        return {tag.paper_id for tag in tags}

    def _topic_concepts(self, topics) -> dict[str, Concept]:
        """The concepts of the topics' branches by slug, made where missing, each under the one above it."""
        roots = {topic.source: (f"{slugify(topic.source)}-topics", f"{topic.source} topics") for topic in topics}
        nodes: dict[str, tuple[str, ConceptKind]] = {}
        edges: set[tuple[str, str]] = set()
        for topic in topics:
            root = roots[topic.source]
            nodes[root[0]] = (root[1], ConceptKind.CATEGORY)
            above = root[0]
            for depth, (slug, name) in enumerate(topic.branch):
                last = depth == len(topic.branch) - 1
                nodes.setdefault(slug, (name, ConceptKind.TOPIC if last else ConceptKind.CATEGORY))
                edges.add((above, slug))
                above = slug
        found = {c.slug: c for c in Concept.objects.filter(slug__in=nodes)}
        new = [
            Concept(slug=slug, name=name, kind=kind)
            for slug, (name, kind) in sorted(nodes.items())
            if slug not in found
        ]
        Concept.objects.bulk_create(new)
        found.update({c.slug: c for c in new})
        ConceptRelation.objects.bulk_create(
            [ConceptRelation(parent=found[a], child=found[b]) for a, b in sorted(edges)], ignore_conflicts=True
        )
        if new:
            self.result.also_created["concepts"] = self.result.also_created.get("concepts", 0) + len(new)
        return found

    def _add_keywords(self, landed) -> set[int]:
        """The record's keywords that the paper does not have yet, after the ones it has; a keyword of
        punctuation alone (Mendeley writes `()` for an empty one) is none."""
        wanted = [(paper, [k for k in record.keywords if _WORDS.search(k)]) for record, paper, _ in landed]
        wanted = [(paper, names) for paper, names in wanted if names]
        if not wanted:
            return set()
        keywords = self._keywords({name for _, names in wanted for name in names})
        have: dict[int, set[int]] = {}
        last: dict[int, int] = {}
        for paper_id, keyword_id, position in PaperKeyword.objects.filter(
            paper_id__in={paper.pk for paper, _ in wanted}
        ).values_list("paper_id", "keyword_id", "position"):
            have.setdefault(paper_id, set()).add(keyword_id)
            last[paper_id] = max(last.get(paper_id, 0), position)
        rows = []
        for paper, names in wanted:
            mine = have.setdefault(paper.pk, set())
            for name in names:
                keyword = keywords.get(name)
                if keyword is not None and keyword.pk not in mine:
                    mine.add(keyword.pk)
                    last[paper.pk] = last.get(paper.pk, 0) + 1
                    rows.append((paper.pk, keyword.pk, last[paper.pk]))
        self._copy_rows(PaperKeyword, ["paper", "keyword", "position"], rows, [0] * len(rows))
        return {paper_id for paper_id, _, _ in rows}

    def _add_references(self, landed) -> None:
        """The works a record says its paper cites (OpenAlex's referenced_works, the DOIs of a Crossref
        reference list): a citation of each one already here, the others kept until they arrive; and
        the works this batch brings become the cited papers of references that waited for them."""
        pairs: set[tuple[int, int]] = set()
        waiting: list[UnresolvedReference] = []
        for scheme, cited_of, id_of, stored in (
            (ReferenceScheme.OPENALEX, _openalex_cited, _openalex_id, _stored_by_openalex),
            (ReferenceScheme.DOI, _doi_cited, lambda record: record.doi, _stored_by_doi),
        ):
            citing = {paper.pk: refs for record, paper, _ in landed if (refs := cited_of(record))}
            arrived = {w: paper.pk for record, paper, _ in landed if (w := id_of(record))}
            wanted = {w for refs in citing.values() for w in refs}
            if not citing and not arrived:
                continue
            known = stored(wanted - arrived.keys()) | {w: pk for w, pk in arrived.items() if w in wanted}
            pairs |= {(pk, known[w]) for pk, refs in citing.items() for w in refs if w in known}
            waiting += [
                UnresolvedReference(citing_id=pk, scheme=scheme, value=w)
                for pk, refs in citing.items()
                for w in refs
                if w not in known
            ]
            resolved = UnresolvedReference.objects.filter(scheme=scheme, value__in=arrived)
            pairs |= {(pk, arrived[w]) for pk, w in resolved.values_list("citing_id", "value")}
            resolved.delete()
        citations = [
            Citation(citing_id=a, cited_id=b, source=Source.IMPORTED, status=ReviewStatus.ACCEPTED)
            for a, b in sorted(pairs)
            if a != b
        ]
        Citation.objects.bulk_create(citations, ignore_conflicts=True)  # a pair already there stays as it is
        UnresolvedReference.objects.bulk_create(waiting, ignore_conflicts=True)

    def _keywords(self, names: set[str]) -> dict[str, Keyword]:
        """The keyword of each name, as written; new ones made."""
        found = {k.name: k for k in Keyword.objects.filter(name__in=names)}
        missing = [Keyword(name=name, name_key=text.name_key(name)) for name in sorted(names - set(found))]
        Keyword.objects.bulk_create(missing)
        found.update({k.name: k for k in missing})
        if missing:
            self.result.also_created["keywords"] = self.result.also_created.get("keywords", 0) + len(missing)
        return found

    def _concepts_named(self, names: set[str]) -> dict[str, Concept]:
        """The concept of each name (a topic before a category, the oldest first); missing ones made as topics."""
        found: dict[str, Concept] = {}
        for concept in Concept.objects.filter(name__in=names).order_by(
            Case(When(kind=ConceptKind.TOPIC, then=0), default=1), "id"
        ):
            found.setdefault(concept.name, concept)
        missing = sorted(names - set(found))
        if missing:
            taken = set(
                Concept.objects.filter(slug__in={self._slug_base(name) for name in missing}).values_list(
                    "slug", flat=True
                )
            )
            new = [Concept(name=name, kind=ConceptKind.TOPIC, slug=self._free_slug(name, taken)) for name in missing]
            Concept.objects.bulk_create(new)
            found.update({concept.name: concept for concept in new})
            self.result.also_created["concepts"] = self.result.also_created.get("concepts", 0) + len(new)
        return found

    def _add_sources(self, landed) -> set[int]:
        have = set(
            SourceRecord.objects.filter(
                paper_id__in={paper.pk for _, paper, _ in landed}, file_name=self.file_name
            ).values_list("paper_id", "raw_hash")
        )
        rows = []
        for record, paper, _ in landed:
            key = (paper.pk, record.raw_hash)
            if key in have:
                continue
            have.add(key)
            listed = record.listed
            rows.append(
                SourceRecord(
                    import_run=self.run,
                    paper=paper,
                    file_name=self.file_name,
                    line_number=record.line,
                    raw_hash=record.raw_hash,
                    listed_month=listed.month if listed else None,
                    listed_day=listed.day if listed else None,
                    listed_on=listed.resolved(self.year) if listed else None,
                )
            )
        self._copy(rows, _SOURCE_FIELDS, [row.line_number for row in rows])
        return {row.paper_id for row in rows}

    def _copy(self, objects, fields: list[str], lines: list[int]) -> None:
        self._copy_rows(None, fields, objects, lines)

    def _copy_rows(self, model, fields: list[str], rows, lines: list[int]) -> None:
        """COPY model instances (model None) or rows of values; a refusal names the record's line."""
        try:
            copy_objects(rows, fields) if model is None else copy_rows(model, fields, rows)
        except CopyRefused as refused:
            line = lines[refused.row] if refused.row is not None and refused.row < len(lines) else None
            raise DumpError(self.file_name, line or None, f"the database refused it: {refused}") from refused

    # a talk and its concept graph -------------------------------------------------------------

    def load_talk(self, talk: TalkRecord) -> Paper:
        talk.paper.known_as = self._same_talk(talk)
        (paper,) = self.load_papers([talk.paper])
        concepts = self._concepts(talk)
        graph = talk.graph

        have = set(
            ConceptRelation.objects.filter(
                parent_id__in=[c.pk for c in concepts.values()], child_id__in=[c.pk for c in concepts.values()]
            ).values_list("parent_id", "child_id")
        )
        relations, lines = [], []
        for parent, child, line in graph.edges:
            pair = (concepts[parent].pk, concepts[child].pk)
            if pair not in have:
                have.add(pair)
                relations.append(ConceptRelation(parent_id=pair[0], child_id=pair[1]))
                lines.append(line)
        relations = self._add_relations(relations, lines)

        points = {kp.number: kp for kp in KeyPoint.objects.filter(paper=paper)}
        new_points = [
            KeyPoint(paper=paper, number=number, text=body)
            for number, body in talk.key_points.items()
            if number not in points
        ]
        KeyPoint.objects.bulk_create(new_points)
        points.update({kp.number: kp for kp in new_points})
        # a page cut short left a key point's beginning; the whole page completes it
        longer = {n: body for n, body in talk.key_points.items() if n in points and body != points[n].text}
        completed = [points[n] for n, body in longer.items() if body.startswith(points[n].text)]
        for kp in completed:
            kp.text = talk.key_points[kp.number]
        KeyPoint.objects.bulk_update(completed, ["text"])

        Link = KeyPoint.concepts.through
        have_links = set(Link.objects.filter(keypoint__paper=paper).values_list("keypoint_id", "concept_id"))
        links = []
        for node, numbers in graph.key_points_of.items():
            for number in sorted(numbers):
                if number in points and (points[number].pk, concepts[node].pk) not in have_links:
                    have_links.add((points[number].pk, concepts[node].pk))
                    links.append(Link(keypoint_id=points[number].pk, concept_id=concepts[node].pk))
        Link.objects.bulk_create(links)

        tagged = set(PaperConcept.objects.filter(paper=paper).values_list("concept_id", flat=True))
        tags = [
            PaperConcept(paper=paper, concept=concept, source=Source.IMPORTED, status=ReviewStatus.ACCEPTED)
            for key, concept in concepts.items()
            if graph.concepts[key].kind == "topic" and concept.pk not in tagged
        ]
        PaperConcept.objects.bulk_create(tags)

        also = self.result.also_created
        for name, rows in (("relations", relations), ("key points", new_points), ("tags", tags)):
            also[name] = also.get(name, 0) + len(rows)
        # the talk itself may be unchanged while its graph grew: then the talk was updated
        if (relations or new_points or completed or links or tags) and self.result.unchanged:
            self.result.unchanged -= 1
            self.result.updated += 1
        return paper

    def _same_talk(self, talk: TalkRecord) -> int | None:
        """The stored talk whose key point this page repeats word for word, when titles cannot tell:
        the page or the stored talk has no talk line (the other view of the same talk, seen before)."""
        whole = sorted(talk.key_points.items())[: None if talk.complete else -1]
        if not whole:
            return None
        number, body = whole[0]
        same = KeyPoint.objects.alias(digest=MD5("text")).filter(  # keypoint_text_idx
            digest=hashlib.md5(body.encode()).hexdigest(), number=number, text=body, paper__kind=PaperKind.TALK
        )
        if talk.paper.title:
            same = same.filter(paper__title="")
        return same.order_by("paper_id").values_list("paper_id", flat=True).first()

    def _add_relations(self, relations: list[ConceptRelation], lines: list[int]) -> list[ConceptRelation]:
        """Write the graph's relations; one that would close a cycle through what other talks built
        (topics are shared by name) is left out with a warning, the rest are kept."""
        try:
            with transaction.atomic():
                return ConceptRelation.objects.bulk_create(relations)
        except IntegrityError:
            pass
        kept = []
        for relation, line in zip(relations, lines, strict=True):
            try:
                with transaction.atomic():
                    relation.save(force_insert=True)
                kept.append(relation)
            except IntegrityError as error:
                reason = str(error).splitlines()[0]
                self.result.warnings.append(f"line {line}: a relation is left out: {reason}")
        return kept

    def _concepts(self, talk: TalkRecord) -> dict[str, Concept]:
        records = talk.graph.concepts
        found: dict[tuple[str, str], Concept] = {}
        names = {r.name for r in records.values()}
        for concept in Concept.objects.filter(name__in=names).order_by("id"):
            found.setdefault((concept.kind, concept.name), concept)
        taken = set(
            Concept.objects.filter(slug__in={self._slug_base(r.name) for r in records.values()}).values_list(
                "slug", flat=True
            )
        )
        new = []
        for record in records.values():
            if (record.kind, record.name) not in found:
                concept = Concept(name=record.name, kind=record.kind, slug=self._free_slug(record.name, taken))
                found[(record.kind, record.name)] = concept
                new.append(concept)
        Concept.objects.bulk_create(new)
        self.result.also_created["concepts"] = self.result.also_created.get("concepts", 0) + len(new)
        return {key: found[(r.kind, r.name)] for key, r in records.items()}

    @staticmethod
    def _slug_base(name: str) -> str:
        return slugify(name)[:90] or "concept"

    def _free_slug(self, name: str, taken: set[str]) -> str:
        base = self._slug_base(name)
        slug = base
        # `taken` already holds the base slugs found in the database; suffixed ones are checked here.
        for n in itertools.count(2):
            if slug not in taken and (slug == base or not Concept.objects.filter(slug=slug).exists()):
                break
            slug = f"{base}-{n}"
        taken.add(slug)
        return slug


def _source_url(record: PaperRecord) -> str:
    """Where a curator reads the record's work at its source, when the record says."""
    if work := _openalex(record).get("id"):
        return f"https://openalex.org/{work}"
    return f"https://arxiv.org/abs/{record.arxiv_id}" if "arxiv" in record.extra and record.arxiv_id else ""


def _identifiers_held_elsewhere(record: PaperRecord, *held: Candidates, but: Paper | None = None) -> None:
    """A record that is another work than the paper holding its DOI or arXiv id (a chapter given its
    book's DOI) keeps them as the file wrote them, not as its own: an identifier names one paper."""
    if record.doi and any(c.by_doi.get(record.doi) not in (None, but) for c in held):
        record.extra.setdefault("DOI", record.doi)
        record.doi = None
    if record.arxiv_id and any(c.by_arxiv.get(record.arxiv_id) not in (None, but) for c in held):
        record.extra.setdefault("arxiv-id", record.arxiv_id)
        record.arxiv_id = None


def _openalex_cited(record: PaperRecord) -> list[str]:
    return _openalex(record).get("referenced_works") or []


def _openalex_id(record: PaperRecord) -> str | None:
    return _openalex(record).get("id")


def _stored_by_openalex(works: set[str]) -> dict[str, int]:
    stored = Paper.objects.annotate(openalex=KT("extra__openalex__id"))  # paper_openalex_id_idx
    known = dict(stored.filter(openalex__in=works).values_list("openalex", "id"))
    # a work merged into another since: its W-id is an alias of the survivor (paperalias_openalex_id_idx)
    merged = PaperAlias.objects.filter(openalex_id__in=works - known.keys())
    return known | dict(merged.values_list("openalex_id", "paper_id"))


def _doi_cited(record: PaperRecord) -> list[str]:
    """The DOIs of a Crossref reference list (CSL-JSON from Crossref carries one: `reference`)."""
    references = record.extra.get("reference")
    if not isinstance(references, list):
        return []
    found = []
    for reference in references:
        said = reference.get("DOI") if isinstance(reference, dict) else None
        try:
            doi = identifiers.doi(said) if isinstance(said, str) else None
        except identifiers.NotAnIdentifier:
            continue
        if doi and len(doi) <= 300:
            found.append(doi)
    return list(dict.fromkeys(found))


def _stored_by_doi(dois: set[str]) -> dict[str, int]:
    return dict(Paper.objects.filter(doi__in=dois).values_list("doi", "id"))  # paper_doi unique index


def _openalex(record: PaperRecord) -> dict:
    openalex = record.extra.get("openalex")
    return openalex if isinstance(openalex, dict) else {}
