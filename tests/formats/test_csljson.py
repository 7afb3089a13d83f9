"""CSL-JSON (bibliography/formats/csljson.py): what an item reads as, a file that is not JSON, items read
a buffer at a time, and titles written as CSL's styles expect them."""

import json

import pytest

from bibliography.formats import csljson
from bibliography.importers.load import import_file
from bibliography.models import ImportRun, Paper, SourceRecord
from tests.factories import make_paper

from .conftest import REAL, Starts, check_case, export

CASES = [
    ('[{"id": "a", "type": "article", "title": "T"}]', {"records": [{"title": "T", "item_type": "article"}]}),
    ('[{"id": "b", "type": "article-journal", "title": "Zotero Keeps Its Case"}]',
     {"records": [{"title": "Zotero Keeps Its Case"}]}),
    ('[{"id": "a", "type": "article", "title": "T", "issued": {"date-parts": [[2020, 2, 31]]}}]',
     {"file": "date.json", "unread": [Starts("date.json:1: issued")]}),
    ('[{"id": "a", "type": "article", "title": "T", "author": [{"family": "A"}, 7]}]',
     {"file": "names.json", "unread": [Starts("names.json:1: author[2]: expected a name object")]}),
    ('[\n {"id": "a", "type": "article", "title": "fine"},\n {"id": "b",\n  "title": oops}\n]\n',
     {"file": "broken.json", "error": "broken.json:4: not valid JSON"}),
    *[(REAL / name, {"count": entries, "problems": []}) for name, entries in [
        ("zotero-csl.json", 13), ("zotero-csljson-multilingual-fiscal.json", 39), ("pandoc-csljson-zbmath.json", 47),
    ]],  # the items the corpus and the real libraries' tests count, none refused
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_an_item_reads_as_its_case_says(tmp_path, source, expected):
    check_case("csljson", source, expected, tmp_path)


def test_a_file_that_is_not_its_format_fails_whole_naming_file_and_line(db, tmp_path):
    make_paper(title="Already here")
    path = tmp_path / "broken.json"
    path.write_text('[\n {"id": "a", "type": "article", "title": "fine"},\n {"id": "b",\n  "title": oops}\n]\n')

    result = import_file(path)

    assert not result.ok
    assert str(result.error).startswith("broken.json:4: not valid JSON"), str(result.error)
    assert list(Paper.objects.values_list("title", flat=True)) == ["Already here"]
    assert ImportRun.objects.get().status == "failed"


def test_csljson_items_are_read_across_buffer_boundaries(db, tmp_path, monkeypatch):
    monkeypatch.setattr(csljson, "_READ_AHEAD_CHARS", 64)
    items = [{"id": f"k{n}", "type": "article", "title": f"Paper number {n}", "abstract": "x " * 50} for n in range(30)]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(items, indent=1))

    result = import_file(path)

    assert result.ok, result.error
    assert result.created == 30
    lines = dict(SourceRecord.objects.values_list("paper__title", "line_number"))
    text = path.read_text().splitlines()
    assert text[lines["Paper number 17"] - 1].strip() == "{"
    assert text[lines["Paper number 17"]].strip() == '"id": "k17",'


def test_csljson_writes_bibtex_titles_in_sentence_case_and_its_own_titles_as_written(db, tmp_path):
    (tmp_path / "a.bib").write_text(
        "@inproceedings{a,\n  title = {Deep Learning On {GPUs}: A Survey Of It},\n  booktitle = {Proceedings Of The Big"
        " Conference},\n  author = {Ray, J.R.},\n  year = 2020\n}\n"
        "@article{d,\n  title = {Deutsche Titel Bleiben},\n  journal = {Zeitschrift},\n  langid = {german},\n"
        "  year = 2020\n}\n"
    )
    (tmp_path / "b.json").write_text('[{"id": "b", "type": "article-journal", "title": "Zotero Keeps Its Case"}]')
    assert import_file(tmp_path / "a.bib").ok and import_file(tmp_path / "b.json").ok

    items = {item["id"]: item for item in json.loads(export("csljson"))}

    assert items["a"]["title"] == 'Deep learning on <span class="nocase">GPUs</span>: A survey of it'
    assert items["a"]["container-title"] == "Proceedings of the big conference"
    assert items["a"]["author"] == [{"family": "Ray", "given": "J. R."}]
    assert items["d"]["title"] == "Deutsche Titel Bleiben"  # styles leave the case of other languages alone
    assert items["b"]["title"] == "Zotero Keeps Its Case"
    assert "Proceedings Of The Big Conference" in export("bibtex")  # BibTeX keeps its own convention
