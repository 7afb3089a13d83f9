"""Real libraries that reference managers wrote (tests/data/real/, README there names each source):
every entry arrives, a second import changes nothing, and the exports render, in pandoc's citeproc,
exactly as the originals do."""

import json
import re
from pathlib import Path

import pytest

from bibliography.exporting import export_chunks
from bibliography.formats.registry import EXPORT_FORMATS
from bibliography.importers.load import import_file
from bibliography.models import CitationKeyAlias, Paper, SourceRecord

from .conftest import wipe_bibliography
from .pandoc import as_csl, needs_pandoc, plain, readable_copy, rendered

pytestmark = pytest.mark.django_db

REAL = Path(__file__).resolve().parent.parent / "data" / "real"

# entries, and of them true duplicates (one work listed twice: the same identifier, or the same title,
# authors and year), which become one paper whose other keys are aliases
LIBRARIES = {
    "zotero-bibtex.bib": (149, 0),
    "zotero-biblatex.bib": (26, 0),
    "zotero-better-bibtex.bib": (42, 0),
    "mendeley.bib": (97, 5),
    "jabref.bib": (29, 0),
    "zotero.ris": (14, 0),
    "zotero-csl.json": (13, 0),
}

# What pandoc renders differently from CSL-JSON than from the same entry in BibTeX, for reasons of
# pandoc's own (docs/interchange.md lists them), by file: the references known to differ.
# The same through RIS (exported, imported into an empty bibliography, written as BibTeX): what
# RIS has no place for (docs/interchange.md), by file.
RIS_DIFFERENCES = {
    "zotero-bibtex.bib": 0,
    "zotero-biblatex.bib": 0,
    "zotero-better-bibtex.bib": 2,
    "mendeley.bib": 17,
    "jabref.bib": 1,
}
CSL_DIFFERENCES = {
    "zotero-bibtex.bib": 5,
    "zotero-biblatex.bib": 1,
    "zotero-better-bibtex.bib": 2,
    "mendeley.bib": 20,
    "jabref.bib": 1,
}


def imported(name: str):
    result = import_file(REAL / name)
    assert result.ok, result.error
    papers = Paper.objects.filter(id__in=SourceRecord.objects.filter(file_name=name).values("paper_id"))
    return result, papers


@pytest.mark.parametrize("name", sorted(LIBRARIES))
def test_every_entry_arrives_and_a_second_import_changes_nothing(name):
    entries, duplicates = LIBRARIES[name]
    first, papers = imported(name)
    assert first.records == entries
    assert papers.count() == first.created == entries - duplicates
    # the other keys of true duplicates name the paper they are (a Zotero item URL names its item too)
    assert CitationKeyAlias.objects.exclude(key__contains="://").count() == duplicates
    again = import_file(REAL / name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, entries)


def _keys(papers) -> tuple[dict[str, str], set[str]]:
    """The key each original entry has in the export, and the keys of entries merged as duplicates."""
    keys = {p.citation_key: p.citation_key for p in papers}
    keys |= {p.extra["citation-key"]: p.citation_key for p in papers if "citation-key" in p.extra}
    merged = set(CitationKeyAlias.objects.filter(paper__in=papers).values_list("key", flat=True))
    return keys, merged


def _renderings(name: str, format: str, tmp_path) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    _, papers = imported(name)
    keys, merged = _keys(papers)
    original = rendered(readable_copy(REAL / name, tmp_path, merged))
    export = tmp_path / f"export.{EXPORT_FORMATS[format].extension}"
    export.write_text("".join(export_chunks(papers, EXPORT_FORMATS[format])), encoding="utf-8")
    return original, rendered(export), keys


def _absorbed() -> set[str]:
    """Keys of papers that absorbed a duplicate entry of their file (the union of both, on purpose)."""
    aliased = Paper.objects.filter(key_aliases__isnull=False).exclude(key_aliases__key__contains="://")
    return set(aliased.values_list("citation_key", flat=True))


def _differences(original, ours, keys) -> dict[str, tuple[str, str]]:
    """References rendered otherwise, leaving out papers that absorbed a duplicate entry of the file
    (they are the union of both entries, on purpose)."""
    absorbed = _absorbed()
    return {
        key: (plain(text), plain(ours.get(keys[key], "")))
        for key, text in original.items()
        if key in keys and keys[key] not in absorbed and plain(ours.get(keys[key], "")) != plain(text)
    }


@needs_pandoc
@pytest.mark.parametrize("name", [n for n in sorted(LIBRARIES) if n.endswith(".bib")])
def test_the_bibtex_export_renders_every_reference_as_the_original(name, tmp_path):
    original, ours, keys = _renderings(name, "bibtex", tmp_path)
    compared = [key for key in original if key in keys]
    assert len(compared) >= len(original) - 1  # pandoc cannot name an entry without a key (mendeley.bib has one)
    assert _differences(original, ours, keys) == {}


@needs_pandoc
@pytest.mark.parametrize("name", [n for n in sorted(LIBRARIES) if n.endswith(".bib")])
def test_the_csljson_export_renders_as_the_original_but_for_pandocs_known_differences(name, tmp_path):
    original, ours, keys = _renderings(name, "csljson", tmp_path)
    differences = _differences(original, ours, keys)
    assert len(differences) <= CSL_DIFFERENCES[name], differences


@needs_pandoc
@pytest.mark.parametrize("name", [n for n in sorted(LIBRARIES) if n.endswith(".bib")])
def test_a_library_carried_through_ris_renders_as_the_original(name, tmp_path):
    """RIS has no reader in pandoc: the RIS export is imported into an empty bibliography and that
    is written as BibTeX, which pandoc renders beside the original."""
    _, papers = imported(name)
    keys, merged = _keys(papers)
    absorbed = _absorbed()
    works = set(papers.values_list("citation_key", flat=True))
    original = rendered(readable_copy(REAL / name, tmp_path, merged))
    ris = tmp_path / "export.ris"
    ris.write_text("".join(export_chunks(papers, EXPORT_FORMATS["ris"])), encoding="utf-8")
    wipe_bibliography()

    result = import_file(ris)

    assert result.ok, result.error
    assert set(Paper.objects.values_list("citation_key", flat=True)) == works  # every work, under its key
    back = tmp_path / "back.bib"
    back.write_text("".join(export_chunks(Paper.objects.all(), EXPORT_FORMATS["bibtex"])), encoding="utf-8")
    ours = rendered(back)
    differences = {
        key: (plain(text), plain(ours.get(keys[key], "")))
        for key, text in original.items()
        if key in keys and keys[key] not in absorbed and plain(ours.get(keys[key], "")) != plain(text)
    }
    assert len(differences) <= RIS_DIFFERENCES[name], differences


@needs_pandoc
@pytest.mark.parametrize("name", [n for n in sorted(LIBRARIES) if n.endswith(".bib")])
def test_no_field_is_lost_through_bibtex_as_pandoc_reads_both(name, tmp_path):
    """Field by field, as an independent reader (pandoc) sees them: the original and the export."""
    _, papers = imported(name)
    keys, merged = _keys(papers)
    absorbed = _absorbed()
    export = tmp_path / "export.bib"
    export.write_text("".join(export_chunks(papers, EXPORT_FORMATS["bibtex"])), encoding="utf-8")
    original, ours = as_csl(readable_copy(REAL / name, tmp_path, merged)), as_csl(export)
    for item in original.values():  # keywords of punctuation alone (Mendeley's "()") are dropped on purpose
        if "keyword" in item:
            kept = ", ".join(k for k in item["keyword"].split(", ") if re.search(r"\w", k))
            item.update(keyword=kept) if kept else item.pop("keyword")
    lost = [
        (key, field, item.get(field), ours[keys[key]].get(field))
        for key, item in original.items()
        if key in keys and keys[key] not in absorbed
        for field in (set(item) | set(ours[keys[key]])) - {"id"}
        if item.get(field) != ours[keys[key]].get(field)
    ]
    assert lost == []


@needs_pandoc
@pytest.mark.parametrize("name", [n for n in sorted(LIBRARIES) if n.endswith(".bib")])
def test_titles_are_sentence_cased_as_pandocs_bibtex_reader_does(name, tmp_path):
    """CSL-JSON's titles are in sentence case; pandoc's reading of each English BibTeX title is the
    reference (it writes neither protection nor math, so both are compared without them)."""
    _, papers = imported(name)
    keys, merged = _keys(papers)
    theirs = as_csl(readable_copy(REAL / name, tmp_path, merged))
    exported = json.loads("".join(export_chunks(papers, EXPORT_FORMATS["csljson"])))
    ours = {item["id"]: item for item in exported if item.get("title")}
    compared = [
        (key, _comparable(ours[keys[key]]["title"]), _comparable(item["title"]))
        for key, item in theirs.items()
        if key in keys
        and keys[key] in ours
        and item.get("language", "en").startswith("en")
        and "$" not in ours[keys[key]]["title"]
    ]
    assert len(compared) > len(theirs) / 2
    mismatched = [c for c in compared if c[1] != c[2]]
    assert mismatched == []


def _comparable(title: str) -> str:
    """Without protection, which pandoc does not write, and dashes, which pandoc 2.17's BibTeX reader drops
    (`{\\textemdash}`, and a literal en dash in a doubly braced title)."""
    unprotected = re.sub(r'<span class="nocase">(.*?)</span>', r"\1", title)
    return " ".join(re.sub(r"[\u2013\u2014]", "", unprotected).split())
