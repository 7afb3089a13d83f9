"""Web of Science's plain-text export ("savedrecs.txt", the format bibliometric tools read): a `FN`/`VR`
header, then records of two-letter tags from `PT` to `ER`, a tag's further values on lines indented by
three spaces. Read onto RIS's mapping (ris.reference_record); the tags the record has no place for
(addresses, citation counts, categories, `UT` accession numbers …) are kept in `Paper.extra["wos"]`.
Import only: Web of Science reads no file back.
"""

import re
from collections.abc import Iterable, Iterator

from .base import Format
from .reader import Line
from .records import PaperRecord
from .ris import reference_record

_TAG = re.compile(r"^([A-Z][A-Z0-9]) (.*)$")
# PT: J journal, B book, S series, P patent, C conference (older exports)
_TYPES = {"J": "JOUR", "B": "BOOK", "S": "JOUR", "P": "PAT", "C": "CPAPER"}
_MULTI = {"AU", "AF", "BE", "BF", "CA", "GP"}  # one value a line; other tags' lines join into one value
_TEXT = {  # WoS tag -> rispy's name
    "TI": "title", "SO": "secondary_title", "LA": "language", "AB": "abstract", "PU": "publisher",
    "PI": "place_published", "JI": "alternate_title2", "J9": "alternate_title1", "VL": "volume", "IS": "number",
    "DI": "doi", "SE": "tertiary_title", "DT": "type_of_work",
}  # fmt: skip


def looks_like_wos(lines: list[str]) -> bool:
    head = [line for line in lines[:5] if line.strip()]
    return bool(head) and head[0].lstrip("\ufeff").startswith("FN ") and any(line.startswith("PT ") for line in lines)


def _records(reader: Iterable[Line]) -> Iterator[tuple[int, list[str], dict[str, list[str]]]]:
    lines: list[str] = []
    tags: dict[str, list[str]] = {}
    first, tag = None, None
    for line in reader:
        text = line.text.rstrip()
        if match := _TAG.match(text):
            tag, value = match.groups()
            if tag in ("FN", "VR", "EF") and first is None:
                continue
            if tag == "PT":
                first, lines, tags = line.number, [], {}
            tags.setdefault(tag, []).append(value.strip())
        elif text == "ER" and first is not None:
            yield first, [*lines, text], tags
            first, tag = None, None
            continue
        elif text.startswith("   ") and tag and first is not None:
            tags[tag].append(text.strip())
        if first is not None:
            lines.append(text)
    if first is not None:
        yield first, lines, tags


def parse(reader: Iterable[Line], file_name: str, warnings: list[str]) -> Iterator[PaperRecord]:
    for line, lines, tags in _records(reader):
        reference, kept = _reference(tags)
        record = reference_record(reference, "\n".join(lines) + "\n", line, file_name, warnings)
        record.extra.pop("ris", None)
        record.extra["wos"] = kept
        yield record


def _reference(tags: dict[str, list[str]]) -> tuple[dict, dict]:
    joined = {tag: " ".join(values) if tag not in _MULTI else values for tag, values in tags.items()}
    reference: dict = {"type_of_reference": _TYPES.get(str(joined.get("PT", "J")), "GEN")}
    if joined.get("DT", "").startswith("Proceedings Paper"):
        reference["type_of_reference"] = "CPAPER"
    reference["authors"] = list(tags.get("AF") or tags.get("AU") or [])
    if editors := tags.get("BF") or tags.get("BE"):
        reference["secondary_authors"] = list(editors)
    for tag, name in _TEXT.items():
        if joined.get(tag):
            reference[name] = joined[tag]
    if joined.get("PY"):
        reference["year"] = joined["PY"]
    if joined.get("PD"):  # "MAY", "MAR 15", "SPR"
        reference["date"] = joined["PD"]
    pages = joined.get("BP") or joined.get("AR")
    if pages:
        reference["start_page"] = pages
    if joined.get("EP"):
        reference["end_page"] = joined["EP"]
    if serial := joined.get("BN") or joined.get("SN") or joined.get("EI"):
        reference["issn"] = serial
    keywords = "; ".join(value for value in (joined.get("DE"), joined.get("ID")) if value)
    reference["keywords"] = [k.strip() for k in keywords.split(";") if k.strip()]
    read = {"PT", "AU", "AF", "BE", "BF", "PY", "PD", "BP", "AR", "EP", "BN", "SN", "DE", *_TEXT}
    kept = {tag: joined[tag] for tag in joined if tag not in read}
    return reference, kept


FORMAT = Format("wos", "Web of Science plain text", looks_like_wos, parse)
