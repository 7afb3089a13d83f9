"""OpenAlex works (bibliography/formats/openalex.py), on files an OpenAlex client saved from the API
(tests/data/real/openalex-*; their source is named in the README there): the 41 works two papers
cite, as JSON lines, and a page of the API with those two papers and their abstracts."""

import datetime
import json

import pytest

from bibliography.formats.records import UNTITLED_REASON
from bibliography.formats.registry import detect_format
from bibliography.importers.load import import_file
from bibliography.models import Paper
from tests.factories import make_paper

from .conftest import REAL, Starts, check_case

WORKS, PAGE = REAL / "openalex-works.jsonl", REAL / "openalex-page.json"

pytestmark = pytest.mark.django_db  # all but the table import into the database

CASES = [
    (WORKS, {
        "count": 41,
        "problems": [],
        "first": {
            "extra.openalex.id": "W2250539671",
            "title": "Glove: Global Vectors for Word Representation",
            "authors": ["Jeffrey Pennington", "Richard Socher", "Christopher D. Manning"],
            "doi": "10.3115/v1/d14-1162",
            "item_type": "paper-conference",
            "issued": {"date-parts": [[2014]]},  # OpenAlex's 1 January: the year alone
        },
    }),
    (PAGE, {"problems": [], "records": [
        {
            "extra.openalex.id": "W3046863325",
            "abstract": Starts("This paper analyzes trends of citation and altmetrics with respect to different OA"),
        },
        {"extra.openalex.id": "W3045921891", "arxiv_id": "2007.14454"},
    ]}),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_a_work_reads_as_its_case_says(tmp_path, source, expected):
    check_case("openalex", source, expected, tmp_path)


def work(openalex_id: str) -> Paper:
    return Paper.objects.with_authors().select_related("venue").get(extra__openalex__id=openalex_id)


def names(paper: Paper) -> list[str]:
    return [a.author.name for a in sorted(paper.authorships.all(), key=lambda a: a.position)]


def test_both_shapes_are_recognised_and_every_work_arrives_once():
    assert detect_format(WORKS).name == detect_format(PAGE).name == "openalex"
    for path, works in ((WORKS, 41), (PAGE, 2)):
        first = import_file(path)
        assert first.ok, first.error
        assert (first.records, first.created) == (works, works)
        again = import_file(path)
        assert (again.created, again.updated, again.unchanged) == (0, 0, works)


def test_a_work_is_read_whole():
    assert import_file(WORKS).ok
    glove = work("W2250539671")
    assert glove.title == "Glove: Global Vectors for Word Representation"
    assert names(glove) == ["Jeffrey Pennington", "Richard Socher", "Christopher D. Manning"]
    assert (glove.doi, glove.item_type, glove.language) == ("10.3115/v1/d14-1162", "paper-conference", "en")
    # 1 January is OpenAlex's date for a work whose day it does not know: the year alone
    assert (glove.issued, glove.year, glove.published_on) == ({"date-parts": [[2014]]}, 2014, None)
    assert glove.extra["openalex"]["cited_by_count"] == 32732
    test = work("W2166481425")  # a journal article, to the day, with its volume, issue and page
    assert test.published_on == datetime.date(1951, 3, 1)
    assert (test.venue.name, test.venue.kind) == ("Journal of the American Statistical Association", "journal")
    assert (test.volume, test.issue, test.page) == ("46", "253", "68")
    gnmt = work("W2525778437")  # an arXiv preprint: no venue (arXiv is a repository), its arXiv id known
    assert (gnmt.arxiv_id, gnmt.item_type, gnmt.venue) == ("1609.08144", "article", None)
    assert len(gnmt.authorships.all()) == 31


def test_a_work_without_a_title_is_kept_and_flagged():
    assert import_file(WORKS).ok
    bert = work("W2963341956")
    assert (bert.title, bert.doi, bert.needs_review, bert.review_reason) == (
        "", "10.18653/v1/n19-1423", True, UNTITLED_REASON,
    )  # fmt: skip


def test_a_page_of_the_api_gives_abstracts_and_keeps_the_references():
    assert import_file(PAGE).ok
    trends = work("W3046863325")
    assert trends.abstract.startswith(
        "This paper analyzes trends of citation and altmetrics with respect to different OA types (e.g., gold,"
    )
    assert trends.abstract.endswith("bronze articles receive the most mentions.")
    assert trends.extra["openalex"]["referenced_works"] == [
        "W1996515099", "W2741809807", "W2766528118", "W2938946739", "W2965202507", "W3098501485",
    ]  # fmt: skip
    assert work("W3045921891").arxiv_id == "2007.14454"


def test_a_work_already_stored_is_completed_by_its_doi():
    stored = make_paper(title="The state of OA", doi="10.7717/peerj.4375")
    result = import_file(WORKS)
    assert result.ok and (result.created, result.updated) == (40, 1)
    stored = Paper.objects.with_authors().get(pk=stored.pk)
    assert stored.title == "The state of OA"  # a curator's title is not overwritten
    assert len(names(stored)) == 9 and stored.extra["openalex"]["id"] == "W2741809807"


def test_a_broken_work_names_the_file_and_line_and_nothing_is_kept(tmp_path):
    lines = WORKS.read_text(encoding="utf-8").splitlines()[:2]
    broken = tmp_path / "works.jsonl"
    broken.write_text(lines[0] + "\n" + lines[1][: len(lines[1]) // 2] + "\n", encoding="utf-8")
    result = import_file(broken)
    assert not result.ok and "works.jsonl:2" in str(result.error) and "not a JSON object" in str(result.error)
    assert not Paper.objects.exists()


def test_an_abstract_index_that_is_no_index_is_said_by_field_and_refused_when_strict(tmp_path):
    page = json.loads(PAGE.read_text(encoding="utf-8"))
    page["results"][1]["abstract_inverted_index"] = {"We": ["x"]}
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    strict = import_file(path, format="openalex", strict=True)
    assert not strict.ok and "results[1].abstract_inverted_index" in str(strict.error)
    assert not Paper.objects.exists()
    result = import_file(path, format="openalex")
    assert result.ok and result.created == 2
    assert any("results[1].abstract_inverted_index" in warning for warning in result.warnings)


def _works() -> dict[str, list[str]]:
    """Each work of both files, with the works it references (W-ids)."""
    works = json.loads(PAGE.read_text(encoding="utf-8"))["results"]
    works += [json.loads(line) for line in WORKS.open(encoding="utf-8") if line.strip()]
    return {
        w["id"].removeprefix("https://openalex.org/"): [
            r.removeprefix("https://openalex.org/") for r in w["referenced_works"]
        ]
        for w in works
    }


@pytest.mark.parametrize("order", [(PAGE, WORKS), (WORKS, PAGE)])
def test_references_become_citations_whichever_file_comes_first(order):
    from bibliography.models import Citation, UnresolvedReference

    for path in order:
        assert import_file(path).ok
    refs = _works()
    expected = {(citing, w) for citing, works in refs.items() for w in works if w in refs and w != citing}
    found = {
        (c.citing.extra["openalex"]["id"], c.cited.extra["openalex"]["id"])
        for c in Citation.objects.select_related("citing", "cited")
    }
    assert found == expected and len(expected) > 42  # the two papers' 42, and those among the works they cite
    assert set(Citation.objects.values_list("source", "status").distinct()) == {("imported", "accepted")}
    # the works neither file holds still wait, by their W-ids
    waiting = set(UnresolvedReference.objects.values_list("citing__extra__openalex__id", "value"))
    assert waiting == {(citing, w) for citing, works in refs.items() for w in works if w not in refs}
    assert ("W3046863325", "W3098501485") in waiting
    # our count of citations, beside OpenAlex's own
    citing_it = {citing for citing, cited in expected if cited == "W2741809807"}
    assert work("W2741809807").cited_by_count == len(citing_it) == 3  # both papers cite "The state of OA", and a third
    again = import_file(order[0])
    assert again.ok and Citation.objects.count() == len(expected)  # a second import adds nothing


def test_a_merged_papers_waiting_references_go_on_waiting_as_the_survivors():
    from bibliography.merging import paper_merge
    from bibliography.models import UnresolvedReference

    assert import_file(PAGE).ok
    trends, news = work("W3046863325"), work("W3045921891")
    waiting = set(UnresolvedReference.objects.filter(citing=news).values_list("value", flat=True))
    waiting |= set(UnresolvedReference.objects.filter(citing=trends).values_list("value", flat=True))
    paper_merge(into=trends, others=[news])
    assert set(UnresolvedReference.objects.filter(citing=trends).values_list("value", flat=True)) == waiting
    assert UnresolvedReference.objects.count() == len(waiting)


def test_a_merged_away_works_w_id_still_names_the_survivor(tmp_path):
    from bibliography.merging import paper_merge
    from bibliography.models import Citation

    works = [json.loads(line) for line in WORKS.read_text().splitlines() if line.strip()]
    cited = next(w for w in works if w["id"].endswith("W2442495973"))
    citing = next(w for w in works if w["id"].endswith("W2252212014"))
    single = tmp_path / "cited.jsonl"
    single.write_text(json.dumps(cited) + "\n")
    assert import_file(single).created == 1
    victim, survivor = work("W2442495973"), make_paper(title="Summarizing scientific articles (our copy)")
    Paper.objects.filter(pk=victim.pk).update(doi=None)  # the survivor carries on without it
    paper_merge(into=survivor, others=[Paper.objects.get(pk=victim.pk)])
    revised = tmp_path / "revised.jsonl"  # another record of the work: only its W-id names the paper
    revised.write_text(json.dumps(cited | {"display_name": "Summaries, revised", "doi": None}) + "\n")
    again = import_file(revised)
    assert again.created == 0 and Paper.objects.count() == 1
    citer = tmp_path / "citing.jsonl"
    citer.write_text(json.dumps(citing) + "\n")
    assert import_file(citer).ok
    assert Citation.objects.filter(cited=survivor, citing=work("W2252212014")).exists()


def test_a_gzip_file_as_the_snapshot_gives_it_is_read_and_a_damaged_one_refused(tmp_path):
    import gzip

    zipped = tmp_path / "part_000.gz"
    zipped.write_bytes(gzip.compress(WORKS.read_bytes()))
    result = import_file(zipped)
    assert result.ok, result.error
    assert (result.records, result.created) == (41, 41)
    assert import_file(zipped).unchanged == 41
    damaged = tmp_path / "part_001.gz"
    damaged.write_bytes(gzip.compress(PAGE.read_bytes())[:-40])
    result = import_file(damaged)
    assert not result.ok and "part_001.gz" in str(result.error) and "gzip file is damaged" in str(result.error)
    assert Paper.objects.count() == 41


def test_topics_become_suggested_tags_under_a_branch_of_their_own(client):
    from django.contrib.auth.models import Group, User

    from bibliography.models import Concept, PaperConcept

    assert import_file(WORKS).ok
    glove = work("W2250539671")
    tags = {t.concept.name: t for t in glove.tags.select_related("concept")}
    assert set(tags) == {"Topic Modeling", "Natural Language Processing Techniques",
                         "Text and Document Classification Technologies"}  # fmt: skip
    topic = tags["Topic Modeling"]
    assert (topic.status, topic.source, topic.score) == ("suggested", "imported", 1.0)
    assert topic.reason == "OpenAlex classified it under “Topic Modeling” (score 1.00)."
    branch = Concept.objects.ancestors_of([topic.concept_id]).values_list("name", flat=True)
    assert set(branch) >= {"OpenAlex topics", "Physical Sciences", "Computer Science", "Artificial Intelligence"}
    assert Concept.objects.get(slug="openalex-topic-10028").kind == "topic"
    assert Concept.objects.get(slug="openalex-field-17").kind == "category"

    topic.status = "rejected"
    topic.save()
    concepts, suggestions = Concept.objects.count(), PaperConcept.objects.count()
    assert import_file(WORKS).ok
    assert (Concept.objects.count(), PaperConcept.objects.count()) == (concepts, suggestions)
    topic.refresh_from_db()
    assert topic.status == "rejected"  # the curator's decision stays

    curator = User.objects.create_user("topics-curator", is_staff=True)
    curator.groups.add(Group.objects.get(name="curator"))
    client.force_login(curator)
    queue = client.get("/admin/review/tags/").content.decode()
    assert "OpenAlex classified it under “Natural Language Processing Techniques” (score 1.00)." in queue
    of_topic = client.get("/admin/review/tags/", {"concept": topic.concept_id}).context["page"].items
    assert of_topic and glove.pk not in [p.pk for p in of_topic]  # rejected: no longer waiting; others still are


def test_authors_are_known_by_their_orcid_and_openalex_id():
    from bibliography.models import Author

    namesake = Author.objects.create(name="Christopher D. Manning", orcid="0000-0002-1825-0097")  # another person
    plain = Author.objects.create(name="Richard Socher")
    assert import_file(WORKS).ok
    glove = work("W2250539671")
    by_name = {a.author.name: a.author for a in glove.authorships.all()}
    manning = by_name["Christopher D. Manning"]
    assert manning != namesake and manning.orcid == "0000-0001-6155-649X"  # the same name, another ORCID
    assert manning.openalex_id == "A5046006076"
    socher = by_name["Richard Socher"]
    assert socher == plain and (socher.orcid, socher.openalex_id) == ("0000-0002-3577-639X", "A5059955534")
    assert by_name["Jeffrey Pennington"].openalex_id == "A5010225522"
    authors = Author.objects.count()
    assert import_file(WORKS).ok and Author.objects.count() == authors  # known again by their ids
