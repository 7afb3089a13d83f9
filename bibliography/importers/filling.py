"""A record's values on a paper: all of them on a new paper, only the blanks of a stored one.

What a stored paper already says is never written over here; where a record says otherwise, that
is a proposal for the curators (curation.py).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from django.db.models import DEFERRED

from bibliography import dates
from bibliography.formats.records import UNTITLED_REASONS, PaperRecord, VenueRecord
from bibliography.models import CSL_COLUMNS, ItemType, Paper, PaperKind, Venue


@dataclass
class Venues:
    """The venues records name, by name: found or made once for a whole file. Those a batch names are
    read before its records are matched (`read`), so that matching makes no query; a venue not stored
    yet is made then, and saved before the batch's papers (`save`)."""

    _by_name: dict[str, Venue] = field(default_factory=dict)
    _unsaved: list[Venue] = field(default_factory=list)

    def read(self, records: Iterable[PaperRecord]) -> None:
        names = {record.venue.name for record in records if record.venue} - self._by_name.keys()
        if names:
            self._by_name.update((venue.name, venue) for venue in Venue.objects.filter(name__in=names).order_by())

    def of(self, record: VenueRecord | None) -> Venue | None:
        if record is None:
            return None
        if record.name not in self._by_name:
            venue = Venue(name=record.name, kind=record.kind, short_name=record.short_name, year=record.year)
            self._by_name[record.name] = venue
            self._unsaved.append(venue)
        return self._by_name[record.name]

    def save(self, papers: Iterable[Paper]) -> None:
        """Save the venues made since, and give these papers naming one of them its id."""
        if not self._unsaved:
            return
        for venue in self._unsaved:
            venue.save()
        self._unsaved.clear()
        for paper in papers:
            if paper.venue_id is None and (venue := Paper.venue.field.get_cached_value(paper, None)) is not None:
                paper.venue_id = venue.pk


def date_listed(record: PaperRecord, year: int | None, warnings: list[str]) -> None:
    """A listing's date of the paper itself: its day, in the year the page gives (or `year`, --year)."""
    if record.published and not record.published_on and not record.issued:
        listed_year = record.listed.year if record.listed else None
        record.published_on = record.published.resolved(record.published.year or listed_year or year)
        if record.published_on is None:
            day = f"{record.published.month:02d}-{record.published.day:02d}"
            warnings.append(f"line {record.line}: the paper's date ({day}) has no year: give --year")


def record_year(record: PaperRecord, year: int | None) -> int | None:
    """The year of the record's work; `year` (--year) for a listing's date that gives none."""
    if issued := dates.year_of(record.issued):
        return issued
    if record.year:
        return record.year
    if record.published_on:
        return record.published_on.year
    if record.listed:
        return record.listed.year or year
    return None


def new_paper(record: PaperRecord, year: int | None, venues: Venues) -> Paper:
    """The paper a record is when no paper is it yet, not saved (its id comes with its batch's)."""
    issued, year, published_on = dates.settled(record.issued, year, record.published_on)
    venue = venues.of(record.venue)
    paper = _paper(
        title=record.title,
        abstract=record.abstract,
        kind=record.kind,
        item_type=_item_type(record),
        venue_id=venue.pk if venue else None,
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
    if venue is not None:
        Paper.venue.field.set_cached_value(paper, venue)
    return paper


def _paper(**values) -> Paper:
    """A Paper of these fields' values (by attname), the others their defaults. Django makes a model
    from its values in order in a quarter of the time it takes by keyword (6 µs, not 20)."""
    defaults, position, fresh = _paper_defaults()
    row = defaults.copy()
    for at, make in fresh:
        row[at] = make()
    for name, value in values.items():
        row[position[name]] = value
    return Paper(*row)


@cache
def _paper_defaults() -> tuple[list, dict[str, int], list[tuple[int, Callable]]]:
    """Each column's default in order, where each column is, and the defaults made anew each time
    (`extra`'s dict)."""
    fields = Paper._meta.concrete_fields
    fresh = [(at, f.default) for at, f in enumerate(fields) if f.has_default() and callable(f.default)]
    defaults = [DEFERRED if f.generated else f.get_default() for f in fields]  # PostgreSQL makes those
    return defaults, {f.attname: at for at, f in enumerate(fields)}, fresh


def fill_blanks(paper: Paper, record: PaperRecord, year: int | None, venues: Venues) -> set[str]:
    """Complete what the paper lacks from the record; never overwrite what is there. The fields
    changed."""
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
        paper.venue = venues.of(record.venue)
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
