"""What the three formats share: a paper seen as reference managers see it, and checks on what
they send back, each failing with the file, the line and the field to blame."""

import datetime
import re
from dataclasses import dataclass

from bibliography.importers.errors import DumpError
from bibliography.importers.links import link_kind
from bibliography.models import ARXIV_ID_PATTERN, AuthorRole, LinkKind, Paper, PaperKind, VenueKind
from bibliography.text import whole_number

from .names import PersonName, split_name

UNTITLED_REASON = "no title: imported from a reference-manager file without one"

_DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ARXIV = re.compile(r"^(?:arxiv:\s*|https?://arxiv\.org/abs/)?(.+?)(?:v\d+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Person:
    name: str
    role: AuthorRole

    @property
    def parts(self) -> PersonName:
        return split_name(self.name)


def people(paper: Paper) -> list[Person]:
    """Authors (or speakers) and organisers in order; authorships prefetched."""
    ordered = sorted(paper.authorships.all(), key=lambda a: a.position)
    return [Person(a.author.name, AuthorRole(a.role)) for a in ordered]


def writers(paper: Paper) -> list[Person]:
    return [p for p in people(paper) if p.role != AuthorRole.ORGANIZER]


def organizers(paper: Paper) -> list[Person]:
    return [p for p in people(paper) if p.role == AuthorRole.ORGANIZER]


def links(paper: Paper) -> list[tuple[str, str]]:
    return [(link.url, link.kind) for link in sorted(paper.links.all(), key=lambda link: link.id)]


def concept_names(paper: Paper) -> list[str]:
    """Accepted concepts, by name; `accepted_tags` prefetched (see PaperQuerySet.for_export)."""
    return sorted({tag.concept.name for tag in paper.accepted_tags})


def writer_role(kind: str) -> AuthorRole:
    return AuthorRole.SPEAKER if kind == PaperKind.TALK else AuthorRole.AUTHOR


# reading --------------------------------------------------------------------------------------


@dataclass
class Checks:
    """Field checks for one record of one file."""

    file_name: str
    line: int

    def fail(self, field: str, message: str):
        raise DumpError(self.file_name, self.line, f"{field}: {message}")

    def doi(self, value: str | None, field: str = "doi") -> str | None:
        if not value or not value.strip():
            return None
        match = _DOI.match(value.strip())
        if not match or len(match.group(1)) > 255:
            self.fail(field, f"{value.strip()[:80]!r} is not a DOI (10.<registrant>/<suffix>)")
        return match.group(1).lower()

    def arxiv_id(self, value: str | None, field: str) -> str | None:
        if not value or not value.strip():
            return None
        ident = _ARXIV.match(value.strip()).group(1)
        if not re.match(ARXIV_ID_PATTERN, ident):
            self.fail(field, f"{value.strip()[:80]!r} is not an arXiv id (2401.01234 or hep-th/9901001)")
        return ident

    def year(self, value, field: str) -> int | None:
        if value in (None, ""):
            return None
        text = str(value).strip()
        if not 1400 <= (whole_number(text) or 0) <= 2200:
            self.fail(field, f"{text[:40]!r} is not a year between 1400 and 2200")
        return int(text)

    def date(self, year: int | None, month, day, field: str) -> datetime.date | None:
        """A full date, or None when only the year (or year and month) is known."""
        if year is None or month in (None, "") or day in (None, ""):
            return None
        try:
            return datetime.date(year, int(month), int(day))
        except (TypeError, ValueError):
            self.fail(field, f"{year}-{month}-{day} is not a date")

    def text(self, value: str | None, field: str, limit: int | None = None) -> str:
        value = " ".join((value or "").split()) if limit else (value or "").strip()
        if limit and len(value) > limit:
            self.fail(field, f"longer than {limit} characters ({len(value)})")
        return value

    def url(self, value: str, field: str) -> str:
        value = value.strip()
        if not re.match(r"^https?://\S+$", value, re.IGNORECASE) or len(value) > 2000:
            self.fail(field, f"{value[:80]!r} is not an http(s) URL")
        return value


def link_with_kind(url: str, kind: str | None) -> tuple[str, LinkKind]:
    return url, LinkKind(kind) if kind in LinkKind.values else link_kind(url)


def venue_kind(value: str | None, default: VenueKind) -> VenueKind:
    return VenueKind(value) if value in VenueKind.values else default
