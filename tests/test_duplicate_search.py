"""The search for duplicate candidates: which pairs it proposes, that every door's papers wait for it,
and that it compares a paper only with the papers that share one of its title's band keys."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bibliography import duplicates, text
from bibliography.duplicates import duplicates_find, duplicates_waiting
from bibliography.importers.load import import_file
from bibliography.models import DuplicateCandidate, Paper, TitleSketch, WaitingPaper
from bibliography.title_bands import BANDS, title_bands, title_sketches
from tests.factories import make_author, make_authorship, make_paper

pytestmark = pytest.mark.django_db

REAL = Path(__file__).parent / "data" / "real"


def pairs() -> set[tuple[int, int, str]]:
    return set(DuplicateCandidate.objects.values_list("paper_a_id", "paper_b_id", "reason"))


def by(paper, *names):
    for position, name in enumerate(names, start=1):
        make_authorship(paper, make_author(name), position=position)
    return paper


def test_a_title_and_its_variants_share_band_keys_and_other_titles_do_not():
    title, typo, subtitle_off, other = title_bands([
        "the lottery ticket hypothesis finding sparse trainable neural networks",
        "the lottery ticket hypothesis finding sparse trainable neural netwroks",
        "the lottery ticket hypothesis finding sparse trainable networks",
        "deep residual learning for image recognition",
    ])  # fmt: skip
    assert len(title) == BANDS and len(set(title)) == BANDS
    assert set(title) & set(typo) and set(title) & set(subtitle_off)
    assert not set(title) & set(other)
    assert title_bands([""]) == [[]]


def test_look_alikes_are_proposed_unless_their_year_or_first_author_says_otherwise():
    published = by(make_paper(title="The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks",
                              year=2019), "Jonathan Frankle", "Michael Carbin")  # fmt: skip
    preprint = by(make_paper(title="The lottery ticket hypothesis: finding sparse trainable neural networks",
                             year=2018), "J. Frankle")  # fmt: skip
    typo = by(make_paper(title="The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Netwroks", year=2019),
              "Frankle, Jonathan")  # fmt: skip
    another_author = by(make_paper(title="Introduction", year=2019), "Ada Lovelace")
    introduction = by(make_paper(title="Introduction", year=2019), "Alan Turing")
    another_decade = make_paper(title="Introduction", year=2009)
    unsigned = make_paper(title="Introduction", year=2019)
    duplicates_find()
    found = pairs()
    assert {(a, b) for a, b, _ in found} == {
        tuple(sorted(pair))
        for pair in [
            (published.pk, preprint.pk),
            (published.pk, typo.pk),
            (preprint.pk, typo.pk),
            (another_author.pk, unsigned.pk),  # no author to tell them apart: a curator decides
            (introduction.pk, unsigned.pk),
        ]
    }
    assert another_decade.pk not in {pk for pair in found for pk in pair[:2]}
    assert {reason for *_, reason in found} == {"title"}


def test_the_same_e_print_under_its_doi_and_its_arxiv_id_and_the_same_abstract_are_pairs():
    eprint = make_paper(title="Attention is all you need", arxiv_id="1706.03762")
    doi = make_paper(title="Transformer", doi="10.48550/arxiv.1706.03762")
    old_style = make_paper(title="A paper", arxiv_id="math.AG/0101001")
    old_doi = make_paper(title="Another name", doi="10.48550/arxiv.math.ag/0101001")
    first = make_paper(title="One name", abstract="We show that the same words make one abstract.")
    second = make_paper(title="Other name", abstract="We show that the SAME words make one abstract!")
    duplicates_find()
    assert pairs() == {
        (eprint.pk, doi.pk, "identifier"),
        (old_style.pk, old_doi.pk, "identifier"),
        (first.pk, second.pk, "abstract"),
    }


def test_papers_from_every_door_wait_for_the_search_until_it_has_compared_them(curator):
    older = make_paper(title="Scaling laws for neural language models")
    duplicates_find()
    assert duplicates_waiting() == 0 and not pairs()
    api = APIClient()
    api.force_authenticate(curator)
    response = api.post("/api/papers/", {"title": "Scaling laws for neural language model"}, format="json")
    assert response.status_code == 201, response.content
    renamed = make_paper(title="Something else entirely")
    assert duplicates_waiting() == 2
    renamed.title = "Scaling Laws for Neural Language Models!"
    renamed.save()
    assert not TitleSketch.objects.filter(paper=renamed, bands__isnull=False).exists()  # no keys yet
    duplicates_find()
    new = response.json()["id"]
    assert {(a, b) for a, b, _ in pairs()} == {(older.pk, new), (older.pk, renamed.pk), (new, renamed.pk)}
    assert duplicates_waiting() == 0


def queries_of(search, papers: int) -> int:
    for n in range(papers):
        make_paper(title=f"A title that many papers share, {n}")
    with CaptureQueriesContext(connection) as queries:
        search()
    return len(queries)


@pytest.mark.parametrize("everything", [False, True])
def test_a_search_costs_the_same_few_queries_for_any_number_of_papers(everything):
    def search():
        duplicates_find(everything=everything)

    few, many = queries_of(search, 3), queries_of(search, 40)
    # per batch of BATCH papers: the waiting, their keys, the index merge, three comparisons, their
    # leaving the queue; over the whole library, the titles are compared by one join per band and one
    # comparison of their pairs
    assert few == many <= 17 + (BANDS + 8 if everything else 0)
    assert DuplicateCandidate.objects.count() == 43 * 42 // 2  # every pair agrees: no author, one year


def test_find_duplicates_compares_the_whole_library_again_and_keeps_what_curators_decided():
    a = make_paper(title="Deep residual learning for image recognition")
    b = make_paper(title="Deep Residual Learning for Image Recognition.")
    call_command("find_duplicates", stdout=io.StringIO())
    DuplicateCandidate.objects.update(status="dismissed")
    make_paper(title="Deep residual learning for image recognitions")
    out = io.StringIO()
    call_command("find_duplicates", stdout=out)
    assert "2 new duplicate candidates." in out.getvalue()
    assert DuplicateCandidate.objects.get(paper_a=a, paper_b=b).status == "dismissed"


def test_a_long_title_shared_stays_a_pair_whoever_comes_first_and_an_inverted_name_is_the_same_person():
    """Both as the real libraries have them (tests/data/real/duplicates/pairs.csv): DBLP's ECCC record
    of a paper names another first author; Google Scholar wrote one record's names inverted."""
    eccc = by(make_paper(title="Planar Graph Isomorphism is in Log-space", year=2009), "Samir Datta", "Nutan Limaye")
    dblp = by(make_paper(title="Planar graph isomorphism is in log-space", year=2009), "Nutan Limaye", "Samir Datta")
    inverted = by(make_paper(title="Cloud technologies in education", year=2023), "Oleksandrovych, Yurchenko Artem")
    plain = by(make_paper(title="Cloud Technologies in Education", year=2023), "Yurchenko, Artem")
    duplicates_find()
    assert {(a, b) for a, b, _ in pairs()} == {(eccc.pk, dblp.pk), (inverted.pk, plain.pk)}


def test_an_import_writes_its_papers_band_keys_and_they_still_wait_for_the_search(tmp_path):
    """The parser makes the keys of a real file's titles; the search compares the papers without
    making them again, and finds what it finds when it makes them itself."""
    older = make_paper(title="Superpolynomial lower bounds against low-depth algebraic circuit")  # a look-alike
    duplicates_find()
    result = import_file(REAL / "dblp-person-withcrossref.bib")
    assert result.error is None and result.created > 100
    papers = dict(Paper.objects.exclude(pk=older.pk).values_list("pk", "title_key"))
    sketches = {s.paper_id: (s.bands, s.grams, s.title_key) for s in TitleSketch.objects.filter(paper_id__in=papers)}
    bands, grams = title_sketches(list(papers.values()))
    made = zip(papers.items(), bands, grams, strict=True)
    assert sketches == {pk: (keys, count, title_key) for (pk, title_key), keys, count in made}
    assert duplicates_waiting() == len(papers)

    with CaptureQueriesContext(connection) as queries:
        duplicates_find()
    assert not [q for q in queries.captured_queries if "INTO bibliography_titlesketch" in q["sql"]]
    assert duplicates_waiting() == 0
    found = pairs()
    assert any(older.pk == a for a, _, _ in found)

    DuplicateCandidate.objects.all().delete()
    TitleSketch.objects.update(bands=None, grams=None, title_key=None)
    WaitingPaper.objects.bulk_create([WaitingPaper(paper_id=pk) for pk in Paper.objects.values_list("pk", flat=True)])
    duplicates_find()
    assert pairs() == found
    remade = TitleSketch.objects.filter(paper_id__in=papers)
    assert {s.paper_id: (s.bands, s.grams, s.title_key) for s in remade} == sketches


def test_a_paper_titled_by_a_later_record_of_its_batch_gets_its_keys_from_the_search(tmp_path):
    bib = tmp_path / "lib.bib"
    bib.write_text(
        "@article{a, doi = {10.1234/one}, journal = {J}, year = {2020}}\n"
        "@article{b, title = {Scaling laws for neural language models}, doi = {10.1234/one}, year = {2020}}\n"
    )
    make_paper(title="Scaling laws for neural language model")
    assert import_file(bib).error is None
    paper = Paper.objects.get(doi="10.1234/one")
    assert paper.title_key == "scaling laws for neural language models"
    assert not TitleSketch.objects.filter(paper=paper).exists()
    duplicates_find()
    assert TitleSketch.objects.get(paper=paper).bands == title_bands([paper.title_key])[0]
    assert [reason for _, _, reason in pairs()] == ["title"]


def test_a_changed_title_empties_the_keys_and_any_compared_change_makes_the_paper_wait():
    paper = make_paper(title="Deep residual learning for image recognition", abstract="First words.")
    duplicates_find()
    keys = TitleSketch.objects.get(paper=paper).bands
    assert keys and duplicates_waiting() == 0
    paper.abstract = "Other words, another abstract altogether."
    paper.save()
    assert duplicates_waiting() == 1 and TitleSketch.objects.get(paper=paper).bands == keys
    duplicates_find()
    paper.title = "Deep residual learning for speech recognition"
    paper.save()
    emptied = TitleSketch.objects.get(paper=paper)
    assert duplicates_waiting() == 1 and emptied.bands is None and emptied.title_key is None
    duplicates_find()
    remade = TitleSketch.objects.get(paper=paper)
    assert remade.bands == title_bands([paper.title_key])[0] and remade.title_key == paper.title_key


def test_a_sketch_has_keys_with_the_title_they_were_made_of_or_neither():
    paper = make_paper(title="Deep residual learning for image recognition")
    duplicates_find()
    for keys, title_key in [([1, 2], None), (None, "deep residual learning for image recognition")]:
        with pytest.raises(IntegrityError), transaction.atomic():
            TitleSketch.objects.filter(paper=paper).update(bands=keys, title_key=title_key)


def test_a_search_in_the_callers_transaction_sees_its_papers_whatever_the_connections_asked():
    a = make_paper(title="Deep residual learning for image recognition")
    b = make_paper(title="Deep Residual Learning for Image Recognition.")
    assert duplicates_find(workers=4) == 1
    assert {(x, y) for x, y, _ in pairs()} == {(a.pk, b.pk)}


def test_keys_emptied_before_the_batch_locked_its_papers_keep_the_paper_waiting(monkeypatch):
    """A change of title committed after the batch read which papers have keys, and before it locked
    them: their keys were not compared, so the paper stays queued, and the search's last pass makes
    the new title's keys and compares them."""
    older = make_paper(title="Scaling laws for neural language models")
    duplicates_find()
    renamed = make_paper(title="Something else entirely")
    take, emptied = duplicates._sketch_waiting, []

    def take_then_title_changed(after, **kwargs):
        ids = take(after, **kwargs)
        if renamed.pk in ids and not emptied:
            key = text.title_key("Scaling Laws for Neural Language Models!")
            Paper.objects.filter(pk=renamed.pk).update(title="Scaling Laws for Neural Language Models!", title_key=key)
            emptied.append(TitleSketch.objects.get(paper=renamed).bands)
        return ids

    monkeypatch.setattr(duplicates, "_sketch_waiting", take_then_title_changed)
    duplicates_find()
    assert emptied == [None]
    assert duplicates_waiting() == 0
    assert TitleSketch.objects.get(paper=renamed).bands == title_bands([Paper.objects.get(pk=renamed.pk).title_key])[0]
    assert {(a, b) for a, b, _ in pairs()} == {(older.pk, renamed.pk)}
