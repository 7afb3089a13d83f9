"""Which paper an imported record is: keys, identifiers, titles that nothing contradicts, never two works as one."""

from pathlib import Path

import pytest
from rest_framework.test import APIClient

from bibliography.importers.load import import_file
from bibliography.merging import paper_merge
from bibliography.models import Authorship, CitationKeyAlias, DuplicateCandidate, Paper
from tests.factories import make_author, make_authorship, make_paper

from .conftest import export

pytestmark = pytest.mark.django_db

REAL = Path(__file__).resolve().parent.parent / "data" / "real"


@pytest.fixture
def anon():
    return APIClient()


def write(tmp_path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def imported(path: Path):
    result = import_file(path)
    assert result.ok, result.error
    return result


def test_records_sharing_a_title_by_different_people_stay_apart(tmp_path):
    body = "".join(
        f"TY  - INTV\nTI  - interview\nAU  - {name}\nPY  - {year}\nER  - \n\n"
        for name, year in [("Ito, Ann", 2001), ("Berg, Bo", 2001), ("Cole, Cy", 2003), ("Dahl, Di", 2004)]
    )
    body += "TY  - INTV\nTI  - Interview\nAU  - Eng, Ed\nER  - \n"
    result = imported(write(tmp_path, "oral-history.ris", body))
    assert result.created == 5
    interviews = Paper.objects.filter(title_key="interview")
    assert interviews.count() == 5
    firsts = set(Authorship.objects.filter(paper__in=interviews).values_list("author__name", flat=True))
    assert firsts == {"Ann Ito", "Bo Berg", "Cy Cole", "Di Dahl", "Ed Eng"}
    assert all(p.authorships.count() == 1 for p in interviews)
    assert not DuplicateCandidate.objects.exists()  # five people's interviews: no pair for the curators


def test_a_title_alone_finds_the_paper_when_nothing_contradicts_it(tmp_path):
    listed = make_paper(title="Deep Residual Learning for Image Recognition", abstract="")
    body = "@article{he2016deep,\n  title = {Deep Residual Learning for Image Recognition},\n"
    body += "  author = {He, Kaiming and Zhang, Xiangyu},\n  year = {2016}\n}\n"
    result = imported(write(tmp_path, "lib.bib", body))
    assert (result.created, result.updated) == (0, 1)
    listed.refresh_from_db()
    assert listed.year == 2016
    assert [a.author.name for a in listed.authorships.order_by("position")] == ["Kaiming He", "Xiangyu Zhang"]


@pytest.mark.parametrize(
    ("author", "year", "doi", "candidate"),
    [
        ("Smith, Jo", 2019, None, True),
        ("Smith, Jo", 2017, "10.1000/other", True),
        ("Jones, Al", 2017, None, False),  # another first author: another work, as the duplicate search judges
        ("Smith, Jo", 2010, None, False),  # years far apart: another work
    ],
)
def test_a_title_with_something_contradicting_it_is_a_second_paper_and_maybe_a_candidate(
    tmp_path, author, year, doi, candidate
):
    first = make_paper(title="Attention", year=2017, doi="10.1000/first")
    make_authorship(first, make_author("Jo Smith"))
    body = f"@article{{x,\n  title = {{Attention}},\n  author = {{{author}}},\n  year = {{{year}}},\n"
    body += f"  doi = {{{doi}}}\n}}\n" if doi else "}\n"
    result = imported(write(tmp_path, "other.bib", body))
    assert result.created == 1
    second = Paper.objects.exclude(pk=first.pk).get()
    pairs = list(DuplicateCandidate.objects.values_list("paper_a_id", "paper_b_id"))
    assert pairs == ([(first.pk, second.pk)] if candidate else [])


def test_two_entries_of_one_file_with_one_identifier_are_one_paper_and_the_second_key_an_alias(tmp_path, anon):
    body = "@article{smith2020a,\n  title = {Deep Things},\n  doi = {10.1000/deep}\n}\n"
    body += "@article{smith2020b,\n  title = {Deep Things (extended)},\n  doi = {10.1000/DEEP}\n}\n"
    imported(write(tmp_path, "twice.bib", body))
    paper = Paper.objects.get()
    assert paper.citation_key == "smith2020a"
    assert list(CitationKeyAlias.objects.values_list("key", "paper")) == [("smith2020b", paper.pk)]
    assert anon.get("/api/papers/key:smith2020a/").json()["id"] == paper.pk
    moved = anon.get("/api/papers/key:smith2020b/?fields=id,title")
    assert moved.status_code == 301 and moved["Location"] == f"/api/papers/{paper.pk}/?fields=id,title"
    assert anon.get("/api/papers/key:nobody2020/").status_code == 404


def test_the_key_of_a_paper_merged_away_stays_an_alias(anon):
    survivor = make_paper(title="Kept", citation_key="kept2020")
    merged = make_paper(title="Kept.", citation_key="gone2020")
    paper_merge(into=survivor, others=[merged])
    assert CitationKeyAlias.objects.get(key="gone2020").paper == survivor
    assert anon.get("/api/papers/key:gone2020/").status_code == 301
    another = make_paper(title="Another")
    another.citation_key = "gone2020"
    with pytest.raises(Exception, match="alias of another paper"):
        another.save()


REAL_LIBRARIES = ["jabref.bib", "zotero-better-bibtex.bib", "zotero-biblatex.bib", "zotero-bibtex.bib", "zotero.ris",
                  "zotero-csl.json"]  # fmt: skip


@pytest.mark.parametrize("name", REAL_LIBRARIES)
def test_importing_a_real_library_twice_changes_nothing_the_second_time(name):
    first = imported(REAL / name)
    assert first.created > 0
    papers = Paper.objects.count()
    again = imported(REAL / name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.records)
    assert Paper.objects.count() == papers


def test_untitled_entries_are_not_made_again_on_a_second_import(tmp_path):
    path = write(tmp_path, "bare.bib", "@misc{note1,\n  note = {a scribble}\n}\n@misc{note2,\n  year = {2001}\n}\n")
    imported(path)
    assert Paper.objects.filter(title="").count() == 2
    again = imported(path)
    assert (again.created, again.updated) == (0, 0)
    assert Paper.objects.count() == 2


@pytest.mark.parametrize("format", ["bibtex", "csljson", "ris"])
def test_importing_our_own_export_changes_nothing(tmp_path, seed, format):
    before = Paper.objects.count()
    path = write(tmp_path, f"everything.{format}", export(format))
    result = imported(path)
    assert (result.created, result.updated) == (0, 0), result
    assert Paper.objects.count() == before


def test_keywords_are_filtered_and_faceted_in_the_api_and_listed_in_the_admin(tmp_path, anon, client):
    body = "@article{a,\n  title = {A},\n  keywords = {ML, Graphs}\n}\n@book{b,\n  title = {B},\n  keywords = {ml}\n}\n"
    imported(write(tmp_path, "tags.bib", body))
    a, b = Paper.objects.get(title="A"), Paper.objects.get(title="B")
    titles = lambda **params: [p["title"] for p in anon.get("/api/papers/", params).json()["results"]]  # noqa: E731
    assert titles(keyword="Graphs") == ["A"]
    assert titles(keyword="ml") == ["B", "A"]  # "ML" and "ml" are two keywords, found by either spelling
    assert titles(item_type="book") == ["B"]
    groups = anon.get("/api/papers/", {"group_by": "keyword"}).json()["groups"]
    assert groups == [{"key": "Graphs", "count": 1}, {"key": "ML", "count": 1}, {"key": "ml", "count": 1}]
    types = anon.get("/api/papers/", {"group_by": "item_type"}).json()["groups"]
    assert types == [{"key": "article-journal", "count": 1}, {"key": "book", "count": 1}]
    assert anon.get(f"/api/papers/{a.pk}/").json()["keywords"] == ["ML", "Graphs"]
    assert anon.get(f"/api/papers/{b.pk}/?fields=keywords").json() == {"id": b.pk, "keywords": ["ml"]}


def test_a_book_is_found_by_its_isbn_however_it_is_written_and_a_chapter_is_not(tmp_path):
    imported(write(tmp_path, "a.bib", "@book{rwh,\n  title = {Real World Haskell},\n  isbn = {0-596-51498-0},\n"
                   "  year = 2008\n}\n@incollection{ch1,\n  title = {Getting Started},\n"
                   "  booktitle = {Real World Haskell},\n  isbn = {0-596-51498-0},\n  year = 2008\n}\n"))  # fmt: skip
    csl = (
        '[{"id": "osullivan2008", "type": "book", "title": "Real World Haskell: Code You Can Believe In",'
        ' "ISBN": "978-0-596-51498-3"},'
        ' {"id": "ch2", "type": "chapter", "title": "Types and Functions", "ISBN": "9780596514983"}]'
    )

    again = imported(write(tmp_path, "b.json", csl))

    assert (again.created, again.records) == (1, 2)  # the book is found; the second chapter is another work
    book = Paper.objects.get(citation_key="rwh")
    assert book.isbn_key == "9780596514983" and book.sources.count() == 2
    assert Paper.objects.filter(isbn_key="9780596514983").count() == 3


def test_two_books_of_one_title_with_different_isbns_stay_apart_for_the_curators(tmp_path):
    imported(write(tmp_path, "a.bib", "@book{e1,\n  title = {Numerical Recipes},\n  isbn = {0-521-43108-5}\n}\n"))
    imported(write(tmp_path, "b.bib", "@book{e3,\n  title = {Numerical Recipes},\n  isbn = {978-0-521-88068-8}\n}\n"))

    assert Paper.objects.filter(title="Numerical Recipes").count() == 2
    assert DuplicateCandidate.objects.count() == 1


def test_a_chapter_given_its_books_doi_is_another_work_that_keeps_the_doi_as_written(db, tmp_path):
    """Publishers' exports give each chapter its book's DOI: the two stay apart, the book holds the
    DOI as its identifier, and the chapter writes it back as the file had it. A second file naming
    the chapter by that DOI is still the chapter's."""
    path = tmp_path / "handbook.bib"
    path.write_text(
        "@book{handbook, title = {Handbook of Things}, editor = {Roe, Ann}, year = 2020, doi = {10.1000/hb}}\n"
        "@incollection{chapter, title = {Small Things}, author = {Doe, Jo}, booktitle = {Handbook of Things},"
        " year = 2020, doi = {10.1000/hb}}\n"
    )

    result = import_file(path)

    assert result.ok and result.created == 2, result
    book, chapter = Paper.objects.get(title="Handbook of Things"), Paper.objects.get(title="Small Things")
    assert (book.doi, chapter.doi, chapter.extra["DOI"]) == ("10.1000/hb", None, "10.1000/hb")
    assert "doi = {10.1000/hb}" in export("bibtex", Paper.objects.filter(pk=chapter.pk))
    again = import_file(path)
    assert again.ok and (again.created, again.updated) == (0, 0), again


def test_volumes_given_their_sets_isbn_and_one_key_stay_apart_in_one_file_and_across_files(tmp_path):
    """calibre gave two volumes of an encyclopaedia the set's ISBN and one key (real entries)."""
    lines = (REAL / "calibre-catalog-large.bib").read_text(encoding="utf-8").splitlines(keepends=True)
    volume_7, volume_6 = "".join(lines[3834:3842]), "".join(lines[4681:4689])
    assert "(Vol. 7)" in volume_7 and "(Vol. 6)" in volume_6 and "978-00-2865-965-7" in volume_6
    result = imported(write(tmp_path, "calibre.bib", volume_7 + "\n" + volume_6))
    assert (result.records, result.created) == (2, 2)
    again = imported(write(tmp_path, "again.bib", volume_6.replace("WilliamA.Darity2008-01-02", "darity6")))
    assert (again.created, again.unchanged + again.updated) == (0, 1)
    assert Paper.objects.get(title__endswith="(Vol. 6)").sources.count() == 2
    roman = imported(write(tmp_path, "roman.bib", volume_6.replace("(Vol. 6)", "Volume VI").replace("Darity2008", "d")))
    assert (roman.created, Paper.objects.count()) == (0, 2)  # the same volume, written otherwise
