"""What the reference-manager formats share: a paper seen as reference managers see it, and checks on what
they send back, each failing with the file, the line and the field to blame."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bibliography import dates, identifiers, richtext, text
from bibliography.names import PersonName
from bibliography.text import whole_number
from bibliography.vocabulary import VENUE_SHORT_NAME_CHARS, AuthorRole, ItemType, LinkKind, PaperKind, VenueKind

from . import languages
from .errors import DumpError
from .links import link_kind, readable

if TYPE_CHECKING:  # writers read any object shaped like a paper
    from bibliography.models import Paper

SHORT_NAME_CHARS = VENUE_SHORT_NAME_CHARS
# What a reader takes of a title; the loader cuts a longer one than the column holds and keeps it whole
READ_TITLE_CHARS = 100_000
_LINK_KINDS = frozenset(LinkKind.values)
_VENUE_KINDS = frozenset(VenueKind.values)


@dataclass(frozen=True)
class Person:
    name: str
    role: AuthorRole
    parts: PersonName


def people(paper: Paper) -> list[Person]:
    """Everyone who contributed, in order, with the parts of their names; authorships prefetched."""
    ordered = sorted(paper.authorships.all(), key=lambda a: a.position)
    return [Person(a.credited_name, AuthorRole(a.role), a.credited_parts) for a in ordered]


def writers(paper: Paper) -> list[Person]:
    return [p for p in people(paper) if p.role in (AuthorRole.AUTHOR, AuthorRole.SPEAKER)]


def organizers(paper: Paper) -> list[Person]:
    return [p for p in people(paper) if p.role == AuthorRole.ORGANIZER]


def links(paper: Paper) -> list[tuple[str, str]]:
    return [(link.url, link.kind) for link in sorted(paper.links.all(), key=lambda link: link.id)]


def files(paper: Paper) -> list[tuple[str, str, str]]:
    """The paper's attached files as (name, where it is stored, media type), when read with them
    (PaperQuerySet.for_export); a paper read without them writes none, rather than a query each."""
    if "attachments" not in getattr(paper, "_prefetched_objects_cache", {}):
        return []
    return [(a.name, a.file.name, a.media_type) for a in paper.attachments.all()]


def keyword_names(paper: Paper) -> list[str]:
    """The paper's keywords in their order; `paper_keywords` prefetched (see PaperQuerySet.for_listing)."""
    return [pk.keyword.name for pk in sorted(paper.paper_keywords.all(), key=lambda pk: pk.position)]


def concept_names(paper: Paper) -> list[str]:
    """Accepted concepts, by name; `accepted_tags` prefetched (see PaperQuerySet.for_export)."""
    return sorted({tag.concept.name for tag in paper.accepted_tags})


def writer_role(kind: str) -> AuthorRole:
    return AuthorRole.SPEAKER if kind == PaperKind.TALK else AuthorRole.AUTHOR


# reading --------------------------------------------------------------------------------------


@dataclass
class Checks:
    """Field checks for one record of one file. A value that cannot be normalised never refuses the
    record: it is kept as the file wrote it (each format has its place for that, written back on
    export) and said in `unread`, one `FILE:LINE: field: what` each, which the loader reports as
    warnings (or, with --strict, as the record's problems). A value read with a guess is a warning.
    Only a record that names no work at all is refused (`refuse`)."""

    file_name: str
    line: int
    warnings: list[str] | None = None
    problems: list[DumpError] = field(default_factory=list)
    unread: list[DumpError] = field(default_factory=list)
    # URIs of other schemes (a reference manager's own, "papers3://…"), and words of a URL field that
    # are no address at all: no link, but kept as written
    other_uris: list[str] = field(default_factory=list)

    def fail(self, field: str, message: str):
        """A problem the record cannot be read past."""
        raise DumpError(self.file_name, self.line, f"{field}: {message}")

    def refuse(self, field: str, message: str) -> None:
        """The record names no work: it is not imported."""
        self.problems.append(DumpError(self.file_name, self.line, f"{field}: {message}"))

    def unreadable(self, field: str, message: str) -> None:
        """A value that cannot be normalised, which the format keeps as written."""
        self.unread.append(DumpError(self.file_name, self.line, f"{field}: {message}"))

    @property
    def unread_fields(self) -> set[str]:
        return {str(problem.message).split(":", 1)[0] for problem in self.unread}

    def warn(self, field: str, message: str) -> None:
        if self.warnings is not None:
            self.warnings.append(f"{self.file_name}:{self.line}: {field}: {message}")

    def doi(self, value: str | None, field: str = "doi") -> str | None:
        """The DOI, normalised; something else in a DOI field is kept by the caller, with a warning."""
        try:
            return identifiers.doi(value)
        except identifiers.NotAnIdentifier as error:
            self.warn(field, f"{error}; kept as written")
            return None

    def arxiv_id(self, value: str | None, field: str) -> str | None:
        try:
            return identifiers.arxiv_id(value)
        except identifiers.NotAnIdentifier as error:
            self.warn(field, f"{error}; kept as written")
            return None

    def year(self, value, field: str) -> int | None:
        """A year as a number between 1400 and 2200 (what the year column holds); else None, and the
        caller keeps the words."""
        if value in (None, ""):
            return None
        text = str(value).strip()
        if not 1400 <= (whole_number(text) or 0) <= 2200:
            return None
        return int(text)

    def date(self, value: str | None, field: str) -> dict | None:
        """A date as reference managers and people write it, as a CSL date; words that are no date
        the file gives exactly ("in press", "535 BCE") are CSL's literal date, with a warning."""
        if not value or not str(value).strip():
            return None
        text = " ".join(str(value).split())
        try:
            return dates.from_text(text)
        except dates.DateError:
            self.unreadable(field, f"{text[:60]!r} is not a date: read as words (a literal date)")
            return {"literal": text}

    def csl_date(self, value, field: str) -> dict | None:
        try:
            return dates.from_csl(value)
        except (dates.DateError, TypeError, ValueError) as error:
            self.unreadable(field, str(error))
            return None

    def text(self, value: str | None, field: str, limit: int | None = None) -> str:
        value = squeeze(value or "") if limit else (value or "").strip()
        if limit and len(value) > limit:
            self.unreadable(field, f"longer than {limit:,} characters ({len(value):,}): cut there")
            return value[: limit - 1].rstrip() + "…"
        return value

    def urls(self, value: str | None, field: str) -> list[str]:
        """Every URL of a field: reference managers put several in one, separated by spaces, and also
        write one URL with spaces in it (a path with "TL tong hop/"), so a field is cut only where a
        new address begins. One written without a scheme, or protocol-relative (`//host/…`), is taken
        as https, with a warning; anything else is kept as written, not as a link."""
        found = []
        for piece in _NEW_ADDRESS.split((value or "").strip()):
            word = piece.strip().rstrip(",;")
            if not word:
                continue
            spaced = " " in word
            joined = re.sub(r"\s+", "%20", word)
            if re.match(r"^https?://\S+$", joined, re.IGNORECASE):
                url = joined
                if spaced:
                    self.warn(field, f"{word[:80]!r} has spaces in it: taken as {url[:90]!r}")
            elif re.match(r"^(//|www\.|[a-z0-9-]+(\.[a-z0-9-]+)+/)\S*$", joined, re.IGNORECASE):
                url = "https:" + joined if joined.startswith("//") else "https://" + joined
                self.warn(field, f"{word[:80]!r} has no scheme: taken as {url[:90]!r}")
            elif re.match(r"^[a-z][a-z0-9+.-]*:\S+$", joined, re.IGNORECASE):
                self.warn(field, f"{word[:80]!r} is not a web address: kept as written, not as a link")
                self.other_uris.append(word)
                continue
            else:
                self.unreadable(field, f"{word[:80]!r} is not a URL, not a link")
                self.other_uris.append(word)
                continue
            if not readable(url):
                self.unreadable(field, f"{word[:80]!r} has a host no one can read, not a link")
                self.other_uris.append(word)
                continue
            if len(url) > 2000:
                self.warn(field, f"a URL longer than 2,000 characters ({len(url):,}): kept as written, not as a link")
                self.other_uris.append(word)
                continue
            found.append(url)
        return found

    def url(self, value: str, field: str) -> str | None:
        urls = self.urls(value, field)
        return urls[0] if urls else None


_NEW_ADDRESS = re.compile(r"\s+(?=(?:[a-z][a-z0-9+.-]*:|//|www\.))", re.IGNORECASE)


def squeeze(value: str) -> str:
    """Runs of spaces, tabs and line breaks as one space (a no-break space is kept: it is meant)."""
    return _NOT_ONE_SPACE.sub(" ", value).strip()


# Runs of spaces, tabs and line breaks other than one space: a single space between words is left
# where it is, not replaced by itself (an abstract of 2,000 characters squeezed in 12 µs, not 19).
_NOT_ONE_SPACE = re.compile(r"[\t\r\n][ \t\r\n]*| [ \t\r\n]+")


# arXiv named where a journal goes: Google Scholar's `arXiv preprint arXiv:2305.07759`, ADS's `arXiv
# e-prints`, Mendeley's `arXiv Prepr.`, Semantic Scholar's `ArXiv` and DBLP's `CoRR` (with `volume = {abs/2305.07759}`).
_ARXIV_CONTAINER = re.compile(
    r"(?:arxiv|corr)(?:\s+preprints?|\s+prepr\.|\s+e-?prints?)?(?:[\s:,]+(.*?))?\.?", re.IGNORECASE
)


def arxiv_container(container: str, volume: str | None = None) -> str | None:
    """The e-print a container that only names arXiv stands for: its id ("" when it gives none).
    None when the container is a venue, or names an id that is none (then it is kept as written)."""
    match = _ARXIV_CONTAINER.fullmatch(richtext.plain(container).strip())
    if not match:
        return None
    written = match.group(1) or (volume if volume and volume.strip().lower().startswith("abs/") else "")
    written = re.sub(r"^abs/", "", written.strip(), flags=re.IGNORECASE)
    if not written:
        return ""
    try:
        return identifiers.arxiv_id(written)
    except identifiers.NotAnIdentifier:
        return None


def keep_doi_as_written(record, written: str | None) -> None:
    """A DOI is stored lower-case (it is matched without case); the file's spelling, or a value
    that is no DOI at all, is kept to be written back."""
    if written and written.strip() != record.doi:
        record.extra["DOI"] = written.strip()


def doi_as_written(paper: Paper) -> str | None:
    written = (paper.extra or {}).get("DOI")
    if paper.doi:
        if isinstance(written, str) and written.lower().endswith(paper.doi):
            return written
        return paper.doi
    return written if isinstance(written, str) else None


def _csl_name_key(name) -> str | None:
    if isinstance(name, str):
        return text.name_key(name) or None
    if not isinstance(name, dict):
        return None
    said = name.get("literal") or " ".join(str(name.get(k) or "") for k in ("given", "non-dropping-particle", "family"))
    return text.name_key(str(said)) or None


def distinct_names(names: list) -> list:
    """A CSL name list's readable names, each person once."""
    seen, found = set(), []
    for name in names:
        if (key := _csl_name_key(name)) and key not in seen:
            seen.add(key)
            found.append(name)
    return found


def people_as_written(paper: Paper, variable: str, people: list[Person]) -> list[PersonName] | None:
    """The people of a CSL name list the paper keeps as it came (a person listed twice), while the
    paper still has the people read from it."""
    kept = (paper.extra or {}).get(variable)
    if not isinstance(kept, list) or len(distinct_names(kept)) != len(people):
        return None
    written = []
    for name in kept:
        if _csl_name_key(name) is None:
            continue
        if isinstance(name, str) or name.get("literal"):
            said = name if isinstance(name, str) else str(name["literal"])
            written.append(PersonName(family=said, literal=True))
        else:
            particle = " ".join(str(name[k]) for k in ("dropping-particle", "non-dropping-particle") if name.get(k))
            written.append(PersonName(family=str(name.get("family") or ""), given=str(name.get("given") or ""),
                                      particle=particle, suffix=str(name.get("suffix") or "")))  # fmt: skip
    return written


def url_as_written(paper: Paper, links: list[tuple[str, str]]) -> str:
    """The first link as the file wrote it (`www.jstor.org/…`, `//guides…`), while it is still that link."""
    written = (paper.extra or {}).get("URL")
    if isinstance(written, str) and Checks("", 0).urls(written, "URL")[:1] == [links[0][0]]:
        return written
    return links[0][0]


def link_with_kind(url: str, kind: str | None) -> tuple[str, LinkKind]:
    return url, LinkKind(kind) if kind in _LINK_KINDS else link_kind(url)


def venue_kind(value: str | None, default: VenueKind) -> VenueKind:
    return VenueKind(value) if value in _VENUE_KINDS else default


_CONTAINER_KINDS = {
    ItemType.ARTICLE_JOURNAL: VenueKind.JOURNAL,
    ItemType.PAPER_CONFERENCE: VenueKind.CONFERENCE,
    ItemType.CHAPTER: VenueKind.BOOK,
    ItemType.WEBPAGE: VenueKind.WEBSITE,
    ItemType.SPEECH: VenueKind.WORKSHOP,
}


def container_kind(item_type: str, name: str, said: str | None = None) -> VenueKind:
    """What kind of venue a record's container is: as our own export said (`said`), else by the
    record's type, a conference named a workshop being a workshop."""
    kind = _CONTAINER_KINDS.get(item_type, VenueKind.OTHER)
    if kind == VenueKind.CONFERENCE and "workshop" in name.lower():
        kind = VenueKind.WORKSHOP
    return venue_kind(said, kind)


def whole_title(paper) -> str:
    """The title as the file wrote it: one longer than the column was cut there and kept whole in
    extra (importers/load.py), unless a curator has since written another."""
    kept = (paper.extra or {}).get("title")
    if isinstance(kept, str) and paper.title.endswith("…") and kept.startswith(paper.title[:-1]):
        return kept
    return paper.title


def printed_titles(paper):
    """How a format whose titles print as written (RIS, like CSL-JSON) takes this paper's titles: a
    record read from BibTeX has English titles in BibTeX's title case, which styles lower; written
    for such a format they are in sentence case (pandoc's reading of them), else as they are."""
    if from_bibtex(paper) and in_english(paper):
        return lambda value: richtext.sentence_case(richtext.tex_quotes(value)) if value else value
    return lambda value: value


_GLUED_INITIALS = re.compile(r"(?<=[A-Z]\.)(?=[A-Z]\b)")


def initials_apart(given: str) -> str:
    """Initials written together (`J.R.`), which BibTeX's readers take as two, written apart for
    formats whose readers take them as written (CSL-JSON, RIS)."""
    return _GLUED_INITIALS.sub(" ", given)


def from_bibtex(paper) -> bool:
    """Read from BibTeX, with its titles in BibTeX's title case."""
    return bool((paper.extra or {}).get("bibtex", {}).get("title_case"))


def in_english(paper) -> bool:
    """English, or no language said: the items whose titles styles change the case of."""
    return not paper.language or languages.bcp47(paper.language).lower().split("-")[0] == "en"
