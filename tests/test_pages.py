"""Pages of the two sites in every shape users bring (tests/data/pages): each imports to exact counts."""

from pathlib import Path

import pytest

from bibliography.formats.records import UNTITLED_TALK_REASON
from bibliography.importers.load import import_file
from bibliography.models import Concept, ConceptKind, ConceptRelation, KeyPoint, Paper, PaperConcept

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).parent / "data" / "pages"
KEYNOTE = "Beyond Backpropagation: Uncertainty Propagation"


def imported(name: str, **options):
    result = import_file(PAGES / name, **options)
    assert result.ok, result.error
    return result


def talk(title: str = KEYNOTE) -> Paper:
    return Paper.objects.get(kind="talk", title=title)


def members(category: str) -> set[str]:
    concept = Concept.objects.get(kind=ConceptKind.CATEGORY, name=category)
    return set(ConceptRelation.objects.filter(parent=concept).values_list("child__name", flat=True))


# knowledge-vault pages ----------------------------------------------------------------------------


def test_a_keynote_page_with_a_header_an_image_and_a_one_line_graph():
    result = imported("vault_keynote_graph.txt")
    assert (result.format, result.created, result.warnings) == ("vault", 1, [])
    paper = talk()
    assert [a.author.name for a in paper.authorships.order_by("position")] == ["Neil Lawrence"]
    assert paper.authorships.get().role == "speaker"
    assert (paper.venue.name, paper.venue.kind, paper.venue.short_name, paper.year) == (
        "ICLR 2016",
        "conference",
        "ICLR",
        2016,
    )
    assert (paper.genre, paper.event_title) == ("Keynote", "ICLR 2016")
    assert (paper.collection_title, paper.collection_number) == ("Knowledge Vault 2 - ICLR 2014-2023", "24")
    assert not paper.needs_review
    # 6 nodes and 3 categories; 5 edges and 6 memberships
    assert Concept.objects.filter(kind=ConceptKind.TOPIC).count() == 6
    assert set(Concept.objects.filter(kind=ConceptKind.CATEGORY).values_list("name", flat=True)) == {
        "uncertainty",
        "ML",
        "challenges",
    }
    assert ConceptRelation.objects.count() == 11
    assert KeyPoint.objects.filter(paper=paper).count() == 5
    assert set(KeyPoint.objects.get(paper=paper, number=3).concepts.values_list("name", flat=True)) == {
        "Deep Gaussian processes compose uncertain functions"
    }
    assert members("uncertainty") == {
        "Backpropagation ignores uncertainty in its inputs",
        "Gaussian processes propagate uncertainty through layers",
        "Deep Gaussian processes compose uncertain functions",
    }
    assert paper.tags.count() == 6


def test_several_speakers_joined_with_an_ampersand_keep_their_order():
    imported("vault_invited_pair.txt")
    paper = talk("Machines That Compute and the Limits of Computation")
    assert [a.author.name for a in paper.authorships.order_by("position")] == ["Ada Lovelace", "Alan Turing"]
    assert (paper.genre, paper.year, paper.venue.name) == ("Invited Speakers", 2020, "ICLR 2020")
    assert KeyPoint.objects.filter(paper=paper).count() == 3


def test_the_graph_view_and_the_resume_view_of_a_talk_are_one_talk_in_either_order():
    imported("vault_keynote_graph.txt")
    second = imported("vault_keynote_resume.txt")
    assert (second.created, second.updated) == (0, 1)
    assert Paper.objects.filter(kind="talk").count() == 1
    assert sorted(KeyPoint.objects.filter(paper=talk()).values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert ConceptRelation.objects.count() == 11


def test_the_resume_view_first_then_the_graph_adds_the_graph():
    imported("vault_keynote_resume.txt")
    assert Concept.objects.count() == 0
    imported("vault_keynote_graph.txt")
    assert Paper.objects.filter(kind="talk").count() == 1
    assert (Concept.objects.count(), ConceptRelation.objects.count(), talk().keypoints.count()) == (9, 11, 6)


def test_a_page_without_a_talk_line_is_an_untitled_talk_for_review_never_a_guess():
    result = imported("vault_no_talk_line.txt")
    paper = Paper.objects.get(kind="talk")
    assert (result.created, paper.title, paper.needs_review) == (1, "", True)
    assert paper.review_reason == UNTITLED_TALK_REASON
    assert paper.authorships.count() == 0 and paper.venue is None and paper.year is None
    assert paper.keypoints.count() == 3
    again = imported("vault_no_talk_line.txt")
    assert (again.created, again.unchanged) == (0, 1)
    assert Paper.objects.count() == 1


def test_a_titled_page_of_an_untitled_talk_gives_it_its_title(tmp_path):
    imported("vault_no_talk_line.txt")
    page = (PAGES / "vault_no_talk_line.txt").read_text()
    titled = tmp_path / "titled.txt"
    titled.write_text("Yoshua Bengio ICLR 2019 - Keynote - Reading Long Documents\n\n" + page)
    result = import_file(titled)
    assert result.ok and result.created == 0, result.error
    paper = Paper.objects.get(kind="talk")
    assert (paper.title, paper.needs_review, paper.review_reason, paper.year) == (
        "Reading Long Documents",
        False,
        "",
        2019,
    )
    assert paper.keypoints.count() == 3


def test_a_page_cut_inside_its_graph_keeps_the_whole_statements_and_is_flagged():
    result = imported("vault_cut_in_graph.txt")
    paper = talk("Compilers for Learned Programs")
    assert paper.needs_review
    assert paper.review_reason == "the page stops at line 15, inside the concept graph: what followed is missing"
    assert "line 13: the concept graph stops here; its last statement is left out" in result.warnings
    assert "line 15: the page stops here, inside the concept graph; the talk is flagged for review" in result.warnings
    names = set(Concept.objects.filter(kind=ConceptKind.TOPIC).values_list("name", flat=True))
    assert names == {
        "Grace Hopper ICLR 2021",
        "Compilers turn programs into machine code",
        "Learned programs need their own compilers",
        "Graph rewriting fuses operations of a network",
    }
    assert ConceptRelation.objects.count() == 3  # the class statements never came
    assert paper.keypoints.count() == 0


def test_a_page_cut_inside_its_last_key_point_keeps_it_flagged_and_a_whole_page_completes_it(tmp_path):
    result = imported("vault_cut_in_key_point.txt")
    paper = talk("Languages for Numerical Work")
    assert [a.author.name for a in paper.authorships.order_by("position")] == ["Grace Hopper", "John Backus"]
    assert paper.review_reason == "the page stops at line 9, inside key point 3: what followed is missing"
    assert "line 9: the page stops here, inside key point 3; the talk is flagged for review" in result.warnings
    assert paper.keypoints.get(number=3).text.endswith("and lets the compil")

    whole = tmp_path / "whole.txt"
    whole.write_text((PAGES / "vault_cut_in_key_point.txt").read_text().rstrip("\n") + "er vectorise them.\n")
    again = import_file(whole)
    assert (again.created, again.updated) == (0, 1)
    assert paper.keypoints.get(number=3).text.endswith("and lets the compiler vectorise them.")
    assert paper.keypoints.count() == 3


def test_categories_are_shared_by_name_across_the_talks_of_a_vault():
    imported("vault_keynote_graph.txt")
    imported("vault_invited_pair.txt")
    assert Concept.objects.filter(kind=ConceptKind.CATEGORY, name="ML").count() == 1
    assert members("ML") == {"Neil Lawrence ICLR 2016", "Data efficiency matters more than model size"} | {
        "Lovelace & Turing ICLR 2020",
        "Engines manipulate symbols, not only numbers",
    }
    assert members("challenges") == {
        "Small data regimes dominate real applications",
        "Some problems no machine can decide",
        "Halting problem limits program verification",
    }
    # which talk put a concept in the category stays visible through that talk's tags
    keynote_tags = set(PaperConcept.objects.filter(paper=talk()).values_list("concept__name", flat=True))
    assert "Engines manipulate symbols, not only numbers" not in keynote_tags
    assert "Data efficiency matters more than model size" in keynote_tags


def test_every_page_shape_in_one_import_run():
    for name in sorted(p.name for p in PAGES.glob("vault_*.txt")):
        imported(name)
    talks = Paper.objects.filter(kind="talk")
    assert talks.count() == 5  # the two views of the keynote are one talk
    assert set(talks.filter(needs_review=True).values_list("title", flat=True)) == {
        "",
        "Compilers for Learned Programs",
        "Languages for Numerical Work",
    }


# listing pages from mirrors -------------------------------------------------------------------------

MIRROR_TITLES = [
    "Contextual Tokenization for Long Documents",
    "Sparse Mixtures Route Tokens by Difficulty",
    "Retrieval Heads in Small Language Models",
    "Curriculum Schedules That Do Not Matter",
]


def test_a_mirror_listing_reads_its_metadata_lines_as_what_they_are():
    result = imported("listing_mirror.txt")
    assert (result.format, result.created) == ("listing", 4)
    papers = {p.title: p for p in Paper.objects.all()}
    assert sorted(papers) == sorted(MIRROR_TITLES)  # no "·", no "Submitted by …", no upvotes
    first = papers["Contextual Tokenization for Long Documents"]
    assert (str(first.published_on), first.year, first.issued) == ("2022-10-24", 2022, {"date-parts": [[2022, 10, 24]]})
    assert first.extra["listing"] == {"author-count": 3}
    assert first.review_reason == "the listing says 3 authors but names none"
    # "Published on" before the abstract, and a date after the abstract's metadata
    assert str(papers["Sparse Mixtures Route Tokens by Difficulty"].published_on) == "2022-10-20"
    assert str(papers["Retrieval Heads in Small Language Models"].published_on) == "2022-10-21"
    # a date line after a paper's upvotes starts a new day of the listing: it dates no paper
    last = papers["Curriculum Schedules That Do Not Matter"]
    assert (last.published_on, last.year, last.needs_review) == (None, None, False)
    assert (last.sources.get().listed_month, last.sources.get().listed_day) == (10, 24)


def test_a_paper_date_without_a_year_takes_the_year_given_or_says_it_needs_one(tmp_path):
    page = tmp_path / "mirror.txt"
    page.write_text(
        "Mar 20\n\nA Study of Dated Things\n\n· 2 authors\n\nPublished on Mar 19\n\n"
        "We study dated things and find that their dates matter.\n"
    )
    with_year = import_file(page, year=2024, dry_run=True)
    assert with_year.ok and not with_year.warnings
    without = import_file(page)
    assert without.ok
    assert without.warnings == ["line 3: the paper's date (03-19) has no year: give --year"]
    assert Paper.objects.get().published_on is None
    Paper.objects.all().delete()
    import_file(page, year=2024)
    assert str(Paper.objects.get().published_on) == "2024-03-19"


def test_page_chrome_glued_to_the_first_title_never_enters_it():
    result = imported("listing_glued.txt")
    assert set(Paper.objects.values_list("title", flat=True)) == set(MIRROR_TITLES[:2])
    assert result.warnings == ["line 3: the page lost its line breaks here; read apart: 'Subscribe'"]


def test_a_header_that_lost_every_line_break_is_read_apart():
    imported("listing_glued_header.txt")
    paper = Paper.objects.get()
    assert paper.title == "Curriculum Schedules That Do Not Matter"
    assert (paper.sources.get().listed_month, paper.sources.get().listed_day) == (3, 12)


def test_the_same_paper_from_a_mirror_and_from_the_site_is_one_paper():
    imported("listing_glued.txt")
    imported("listing_mirror.txt")
    assert Paper.objects.count() == 4
    first = Paper.objects.get(title=MIRROR_TITLES[0])
    assert str(first.published_on) == "2022-10-24"  # the mirror's date completes the paper
