"""What one file says about papers another file brought: its citation keys, the works its reference lists
cite, and the extra data a merge of their papers keeps."""

import json

import pytest

from bibliography.importers.load import import_file
from bibliography.merging import paper_merge
from bibliography.models import Citation, CitationKeyAlias, Paper, UnresolvedReference
from tests.factories import make_paper

pytestmark = pytest.mark.django_db


def write(tmp_path, name: str, content: str):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_a_second_files_key_for_a_paper_already_here_names_it_and_reimports_change_nothing(tmp_path):
    zotero = write(tmp_path, "zotero.bib", "@article{vaswani2017attention, title = {Attention Is All You Need},\n"
                   "  doi = {10.5555/3295222.3295349}, year = 2017}\n")  # fmt: skip
    jabref = write(tmp_path, "jabref.bib", "@inproceedings{Vaswani_NIPS17, title = {Attention is all you need},\n"
                   "  doi = {https://doi.org/10.5555/3295222.3295349.}, year = 2017}\n")  # fmt: skip
    assert import_file(zotero).created == 1
    second = import_file(jabref)
    assert (second.created, second.records) == (0, 1)

    paper = Paper.objects.get()
    assert paper.citation_key == "vaswani2017attention"
    assert CitationKeyAlias.objects.get(key="Vaswani_NIPS17").paper == paper
    for path in (zotero, jabref):
        again = import_file(path)
        assert (again.created, again.updated) == (0, 0)


def test_the_dois_of_a_crossref_reference_list_become_citations_now_or_when_their_works_arrive(tmp_path):
    cited_here = make_paper(title="Already here", doi="10.1000/here")
    item = {
        "id": "smith2020", "type": "article-journal", "title": "A paper with references", "DOI": "10.1000/citing",
        "reference": [
            {"key": "ref1", "DOI": "10.1000/HERE", "doi-asserted-by": "crossref"},
            {"key": "ref2", "DOI": "10.1000/later"},
            {"key": "ref3", "unstructured": "Someone. A book without a DOI. 1999."},
        ],
    }  # fmt: skip
    result = import_file(write(tmp_path, "crossref.json", json.dumps([item])))
    assert result.ok, result.error
    citing = Paper.objects.get(doi="10.1000/citing")
    assert list(Citation.objects.values_list("citing", "cited")) == [(citing.pk, cited_here.pk)]
    assert list(UnresolvedReference.objects.values_list("scheme", "value")) == [("doi", "10.1000/later")]

    later = import_file(write(tmp_path, "later.ris", "TY  - JOUR\nTI  - The later work\nDO  - 10.1000/later\nER  - \n"))

    assert later.ok and not UnresolvedReference.objects.exists()
    assert Citation.objects.filter(citing=citing, cited__doi="10.1000/later").exists()
    assert "reference" in Paper.objects.get(pk=citing.pk).extra  # kept, and written back to CSL-JSON


def test_a_merge_keeps_every_papers_extra(db):
    survivor = make_paper(title="Kept", extra={"bibtex": {"other": {"file": "a.pdf"}}, "PMID": "1"})
    other = make_paper(title="Merged", extra={"bibtex": {"other": {"file": "b.pdf"}}, "ris": {"custom1": "x"}})

    paper_merge(into=survivor, others=[other])

    survivor.refresh_from_db()
    assert survivor.extra["PMID"] == "1" and survivor.extra["ris"] == {"custom1": "x"}
    assert survivor.extra["bibtex"] == {"other": {"file": "a.pdf"}}
    assert survivor.extra["merged"] == {str(other.pk): {"bibtex": {"other": {"file": "b.pdf"}}}}
