"""EndNote's tagged format (`.enw`, also what Google Scholar's "EndNote" link gives): records of
`%` tags (`%0` the type, `%T` title, `%A` each author …) separated by blank lines. Read onto RIS's
mapping (ris.reference_record); tags the record has no place for are kept in
`Paper.extra["endnote"]`. Import only.
"""

import re
from collections.abc import Iterable, Iterator

from .base import Format
from .reader import Line
from .records import PaperRecord
from .ris import reference_record

_TAG = re.compile(r"^%([0-9A-Z@!#$&()*+,\-./:;<=>?\[\]^_{|}~]) ?(.*)$")
_TYPES = {
    "journal article": "JOUR", "electronic article": "EJOUR", "magazine article": "MGZN",
    "newspaper article": "NEWS", "book": "BOOK", "edited book": "EDBOOK", "electronic book": "EBOOK",
    "book section": "CHAP", "conference proceedings": "CPAPER", "conference paper": "CPAPER", "thesis": "THES",
    "report": "RPRT", "web page": "ELEC", "patent": "PAT", "manuscript": "UNPB", "generic": "GEN",
    "dataset": "DATA", "computer program": "COMP", "standard": "STAND",
}  # fmt: skip
_MULTI = {"A": "authors", "E": "secondary_authors", "Y": "tertiary_authors", "K": "keywords", "U": "urls"}
_ONE = {
    "T": "title", "J": "secondary_title", "B": "secondary_title", "V": "volume", "N": "number", "I": "publisher",
    "C": "place_published", "R": "doi", "X": "abstract", "7": "edition", "G": "language", "9": "type_of_work",
    "S": "tertiary_title", "@": "issn", "D": "year", "8": "date", "F": "id", "Z": "notes",
}  # fmt: skip


def looks_like_endnote(lines: list[str]) -> bool:
    tagged = [line for line in lines if _TAG.match(line.lstrip("\ufeff"))]
    return any(line.lstrip("\ufeff").startswith("%0 ") for line in lines) and len(tagged) * 2 >= len(
        [line for line in lines if line.strip()]
    )


def _records(reader: Iterable[Line]) -> Iterator[tuple[int, list[str], list[tuple[str, str]]]]:
    lines: list[str] = []
    tags: list[tuple[str, str]] = []
    first = None
    for line in reader:
        text = line.text.lstrip("\ufeff")
        match = _TAG.match(text)
        if match and match.group(1) == "0" and first is not None:
            yield first, lines, tags
            first = None
        if not text.strip():
            if first is not None:
                yield first, lines, tags
                first = None
            continue
        if first is None:
            first, lines, tags = line.number, [], []
        lines.append(text)
        if match:
            tags.append((match.group(1), match.group(2).strip()))
        elif tags:  # a value that goes on over more lines
            tags[-1] = (tags[-1][0], f"{tags[-1][1]} {text.strip()}")
    if first is not None:
        yield first, lines, tags


def parse(reader: Iterable[Line], file_name: str, warnings: list[str]) -> Iterator[PaperRecord]:
    for line, lines, tags in _records(reader):
        reference: dict = {"type_of_reference": "GEN"}
        kept: dict[str, list[str]] = {}
        for tag, value in tags:
            if tag == "0":
                reference["type_of_reference"] = _TYPES.get(value.lower(), "GEN")
                if reference["type_of_reference"] == "GEN" and value.lower() != "generic":
                    kept.setdefault("0", []).append(value)
            elif tag in _MULTI:
                reference.setdefault(_MULTI[tag], []).append(value)
            elif tag in _ONE and _ONE[tag] not in reference:
                reference[_ONE[tag]] = value
            elif tag == "P":
                start, _, end = value.partition("-")
                reference["start_page"], reference["end_page"] = start.strip(), end.strip()
            else:
                kept.setdefault(tag, []).append(value)
        record = reference_record(reference, "\n".join(lines) + "\n", line, file_name, warnings)
        record.extra.pop("ris", None)
        if kept:
            record.extra["endnote"] = kept
        yield record


FORMAT = Format("endnote", "EndNote tagged (.enw)", looks_like_endnote, parse)
