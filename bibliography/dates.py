"""Dates as bibliographies give them: a year, a month, a day, a season, a range, "circa", or words.

The stored form is CSL's date object (`{"date-parts": [[2020, 3]]}`, with `season`, `circa` or
`literal` beside it), which keeps the precision it was given: March 2020 stays March 2020, not the
first of March. People and scripts write and read it as EDTF text ("2020-03", "2020-03-15",
"2020-21" for spring, "2020/2021" for a range, "2020~" for circa), which `parse_edtf` and `edtf`
turn into each other without loss.
"""

import datetime
import re

CslDate = dict

SEASONS = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}
_SEASON_NAMES = {1: "Spring", 2: "Summer", 3: "Autumn", 4: "Winter"}
# EDTF level 1 writes seasons as months 21-24
_EDTF_PART = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MIN_YEAR, MAX_YEAR = 1400, 2200


class DateError(ValueError):
    pass


def _checked(year: int, month: int | None = None, day: int | None = None) -> list[int]:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(f"{year} is not a year between {MIN_YEAR} and {MAX_YEAR}")
    if month is None:
        return [year]
    if not 1 <= month <= 12:
        raise DateError(f"{month} is not a month")
    if day is None:
        return [year, month]
    try:
        datetime.date(year, month, day)
    except ValueError:
        raise DateError(f"{year}-{month:02d}-{day:02d} is not a date") from None
    return [year, month, day]


def from_parts(year: int | None, month: int | None = None, day: int | None = None) -> CslDate | None:
    if year is None:
        return None
    return {"date-parts": [_checked(year, month, day if month else None)]}


def _edtf_point(text: str) -> tuple[list[int], int | None]:
    match = _EDTF_PART.match(text)
    if not match:
        raise DateError(f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(g) if g else None for g in match.groups())
    if month and 21 <= month <= 24 and day is None:
        return _checked(year), month - 20
    return _checked(year, month, day), None


def parse_edtf(text: str) -> CslDate | None:
    """EDTF (the subset bibliographies use) to a CSL date: `2020`, `2020-03`, `2020-03-15`,
    `2020-21` (spring), `2020-06-14/2020-06-19`, `2020~` (circa). Anything else is an error."""
    text = text.strip()
    if not text:
        return None
    circa = text.endswith("~") or text.endswith("?")
    text = text.rstrip("~?")
    start, sep, end = text.partition("/")
    first, season = _edtf_point(start)
    date: CslDate = {"date-parts": [first]}
    if sep:
        last, _ = _edtf_point(end)
        date["date-parts"].append(last)
    if season:
        date["season"] = season
    if circa:
        date["circa"] = True
    return date


def edtf(date: CslDate | None) -> str:
    """The CSL date as EDTF text; a literal date as its words."""
    if not date:
        return ""
    if date.get("literal"):
        return str(date["literal"])
    parts = date.get("date-parts") or []
    points = ["-".join(f"{p:04d}" if i == 0 else f"{p:02d}" for i, p in enumerate(point)) for point in parts]
    if date.get("season") and parts and len(parts[0]) == 1:
        points[0] += f"-{20 + int(date['season'])}"
    text = "/".join(points)
    return text + "~" if date.get("circa") else text


def from_iso(text: str) -> CslDate | None:
    """A date as reference managers write it: ISO 8601 with or without a time (`2017-06-12T10:37:59+05:30`),
    EDTF, a year-month, a range."""
    text = text.strip()
    if not text:
        return None
    # a time of day says when a record was saved, not more about the publication: keep the date
    text = re.sub(r"(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", r"\1", text)
    return parse_edtf(text)


_MONTH_WORDS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
    # the languages of the libraries we have seen (German, French, Spanish, Portuguese, Dutch, Italian)
    "januar": 1, "janvier": 1, "enero": 1, "janeiro": 1, "januari": 1, "gennaio": 1, "jänner": 1,
    "februar": 2, "février": 2, "fevrier": 2, "febrero": 2, "fevereiro": 2, "februari": 2, "febbraio": 2,
    "märz": 3, "maerz": 3, "mars": 3, "marzo": 3, "março": 3, "marco": 3, "maart": 3,
    "avril": 4, "abril": 4, "aprile": 4,
    "mai": 5, "mayo": 5, "maio": 5, "mei": 5, "maggio": 5,
    "juni": 6, "juin": 6, "junio": 6, "junho": 6, "giugno": 6,
    "juli": 7, "juillet": 7, "julio": 7, "julho": 7, "luglio": 7,
    "août": 8, "aout": 8, "agosto": 8, "augustus": 8,
    "septembre": 9, "septiembre": 9, "setembro": 9, "settembre": 9,
    "oktober": 10, "octobre": 10, "octubre": 10, "outubro": 10, "ottobre": 10,
    "novembre": 11, "noviembre": 11, "novembro": 11,
    "dezember": 12, "décembre": 12, "decembre": 12, "diciembre": 12, "dezembro": 12, "dicembre": 12,
}  # fmt: skip
_YEAR = r"(1[4-9]\d\d|2[01]\d\d|2200)"
_MONTH = r"([^\W\d_]{3,10})\.?"
# (pattern, the groups' meanings), tried in order on the whole text, case and spacing ignored
_SHAPES = [
    (re.compile(rf"^{_YEAR}[./](\d{{1,2}})[./](\d{{1,2}})\.?$"), "ymd"),  # 2024.03.21, 2018/10/11
    (re.compile(rf"^(\d{{1,2}})\.\s?(\d{{1,2}})\.\s?{_YEAR}$"), "dmy"),  # 17.10.2022 (German)
    (re.compile(rf"^{_YEAR}[./](\d{{1,2}})$"), "ym"),  # 2015.04
    (re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?\.?\s+{_MONTH},?\s+{_YEAR}$"), "dMy"),  # 5 May 2020
    (re.compile(rf"^{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}$"), "Mdy"),  # May 5, 2020
    (re.compile(rf"^{_MONTH},?\s+{_YEAR}$"), "My"),  # March 2019, Mar. 2019
    (re.compile(rf"^{_YEAR},?\s+{_MONTH}$"), "yM"),  # 2019 March
    (re.compile(rf"^{_YEAR},?\s+{_MONTH}\s+(\d{{1,2}})$"), "yMd"),  # 2019 Mar 5 (PubMed)
    (re.compile(rf"^(?:de\s+)?{_MONTH}\s+(?:de\s+|del\s+)?{_YEAR}$"), "My"),  # septiembre de 1977
    (re.compile(rf"^{_YEAR}\s?年\s?(\d{{1,2}})\s?月(?:\s?(\d{{1,2}})\s?日)?$"), "ymd"),  # 2016年6月6日
]
_CIRCA = re.compile(r"^(?:c\.|ca\.?|circa|approx\.?)\s*(.+?)$|^(.+?)\s*(?:\?|~)$", re.IGNORECASE)
_YEAR_RANGE = re.compile(rf"^{_YEAR}\s*(?:-{{1,3}}|\u2013|\u2014|/)\s*{_YEAR}$")
_YEAR_AND_LETTER = re.compile(rf"^\[?{_YEAR}\]?\s*[a-z]?$")  # 2019a (a second work of 2019), [2019]


def from_text(text: str) -> CslDate | None:
    """A date as people and reference managers write it, wherever it can be read exactly: ISO and EDTF
    (`from_iso`), `2024.03.21`, `17.10.2022`, `5 May 2020`, `May 5, 2020`, `March 2019`, `Mar. 2019`,
    `2019 Mar 5`, `Septiembre de 1977`, `1997--1998`, `c. 1990`, `[2019]`. Anything else is a DateError
    (the caller keeps the words: CSL's literal date)."""
    text = " ".join(text.split()).strip().rstrip(",;")
    if not text:
        return None
    try:
        return from_iso(text)
    except DateError:
        pass
    if circa := _CIRCA.match(text):
        date = from_text(circa.group(1) or circa.group(2))
        return {**date, "circa": True} if date else None
    if match := _YEAR_AND_LETTER.match(text):
        return {"date-parts": [_checked(int(match.group(1)))]}
    if match := _YEAR_RANGE.match(text):
        return {"date-parts": [_checked(int(match.group(1))), _checked(int(match.group(2)))]}
    lowered = text.lower()
    for pattern, shape in _SHAPES:
        if match := pattern.match(lowered):
            parts = dict(zip(shape, match.groups(), strict=True))
            month = parts.get("m") or parts.get("M")
            month = _MONTH_WORDS.get(month) if "M" in parts else int(month) if month else None
            if "M" in parts and month is None:
                continue
            day = int(parts["d"]) if parts.get("d") else None
            if month is None and day is not None:
                month, day = day, None
            return {"date-parts": [_checked(int(parts["y"]), month, day)]}
    raise DateError(f"{text[:60]!r} is not a date that can be read exactly")


def month_and_day(text: str) -> tuple[int, int | None] | None:
    """BibTeX's month field as files write it: `jan`, `January`, `1`, `01`, `Jan.`, `December~3` (BibTeX's
    `dec # "~3"`), `OCT 18`, `3 Dec`; in the languages above. None when it names no month."""
    words = re.findall(r"[^\W\d_]+|\d+", text.lower())
    months = [_MONTH_WORDS[w] for w in words if w in _MONTH_WORDS]
    numbers = [int(w) for w in words if w.isdigit()]
    if len(months) == 1 and len(numbers) <= 1 and len(words) == 1 + len(numbers):
        day = numbers[0] if numbers and 1 <= numbers[0] <= 31 else None
        return (months[0], day) if not numbers or day else None
    if not months and len(numbers) == 1 and len(words) == 1 and 1 <= numbers[0] <= 12:
        return numbers[0], None
    return None


def from_csl(value, field: str = "issued") -> CslDate | None:
    """A CSL-JSON date object (or EDTF string) as files carry it, checked and normalised."""
    if value in (None, "", {}):
        return None
    if isinstance(value, str | int) and not isinstance(value, bool):
        return from_text(str(value))
    if not isinstance(value, dict):
        raise DateError("expected a date object with date-parts")
    date: CslDate = {}
    raw_parts = value.get("date-parts")
    if raw_parts:
        if not isinstance(raw_parts, list) or not all(isinstance(p, list) for p in raw_parts):
            raise DateError("date-parts must be [[year, month, day]]")
        points = []
        for point in raw_parts[:2]:
            numbers = [int(p) for p in point if str(p).strip().lstrip("-").isdigit()][:3]
            if numbers:
                points.append(_checked(*numbers))
        if points:
            date["date-parts"] = points
    if value.get("season") not in (None, ""):
        season = value["season"]
        season = SEASONS.get(str(season).lower(), season)
        if str(season).isdigit() and 1 <= int(season) <= 4:
            date["season"] = int(season)
        else:
            date["literal_season"] = str(season)
    if value.get("circa"):
        date["circa"] = True
    if value.get("literal"):
        date["literal"] = str(value["literal"])
    elif not date.get("date-parts") and value.get("raw"):
        return from_text(str(value["raw"]))
    return date or None


def year_of(date: CslDate | None) -> int | None:
    parts = (date or {}).get("date-parts")
    return parts[0][0] if parts else None


def day_of(date: CslDate | None) -> datetime.date | None:
    """The exact day, when the date (its start, for a range) gives one."""
    parts = (date or {}).get("date-parts")
    if parts and len(parts[0]) == 3:
        return datetime.date(*parts[0])
    return None


def month_of(date: CslDate | None) -> int | None:
    parts = (date or {}).get("date-parts")
    return parts[0][1] if parts and len(parts[0]) > 1 else None


def season_name(date: CslDate | None) -> str:
    season = (date or {}).get("season")
    return _SEASON_NAMES.get(season, "") if season else (date or {}).get("literal_season", "")


def settled(issued: CslDate | None, year: int | None, published_on: datetime.date | None):
    """`(issued, year, published_on)` made to agree: the CSL date is the record; the year and the exact
    day (when it has one) are read off it. Without one, it is made from the year or the day."""
    if issued and issued.get("date-parts"):
        return issued, year_of(issued), day_of(issued)
    if issued:  # words only ("forthcoming"): the year and day stay as they were given
        return issued, year, published_on
    # the database judges whether the year is plausible (paper_year_plausible)
    if published_on:
        point = [published_on.year, published_on.month, published_on.day]
        return {"date-parts": [point]}, published_on.year, published_on
    if year:
        return {"date-parts": [[year]]}, year, None
    return None, None, None
