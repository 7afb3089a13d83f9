import io
import re

import pytest
from django.core.management import call_command

from bibliography.merging import concept_merge, paper_merge
from bibliography.models import Citation, Concept, ConceptRelation, Paper, PaperConcept
from tests.dumps import DUMPS
from tests.factories import make_author, make_authorship, make_concept, make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())


def test_the_graph_page_embeds_the_dag_and_loads_nothing_from_elsewhere(client, seed):
    response = client.get("/graph/")
    assert response.status_code == 200
    graph = response.context["graph"]
    assert len(graph["nodes"]) == 38 and len(graph["edges"]) == ConceptRelation.objects.count()
    # a category's edges to its topics are drawn too, lighter: the layers put categories first
    members = [e for e in graph["edges"] if e["member"]]
    assert len(members) == len(graph["edges"]) - 30 > 0
    assert len(graph["categories"]) == 7
    h = next(n for n in graph["nodes"] if n["label"].startswith("Optimal regularization mitigates"))
    assert h["groups"] == ["overparametrization", "regularization"]
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', response.content.decode())
    assert scripts and all(src.startswith("/static/") for src in scripts)


def test_a_concepts_page_lists_papers_under_it(client, seed):
    response = client.get("/graph/concepts/scaling/")
    assert response.status_code == 200
    assert [p.kind for p in response.context["papers"]] == ["talk"]
    assert client.get("/graph/concepts/nothing-here/").status_code == 404
    for before in ("³", "x", "99999999999999999999999", ""):
        assert client.get("/graph/concepts/scaling/", {"before": before}).status_code == 200, before


def test_markup_in_titles_and_abstracts_is_shown_as_text(client):
    paper = make_paper(title="<img src=x onerror=alert(1)>", abstract="<script>alert(2)</script>")
    page = client.get(f"/graph/papers/{paper.pk}/").content.decode()
    assert "<img src=x" not in page and "<script>alert(2)" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_papers_page_draws_its_citation_neighbourhood(client):
    focus, cited, citing, rejected = make_paper(), make_paper(), make_paper(), make_paper()
    Citation.objects.create(citing=focus, cited=cited, status="accepted")
    Citation.objects.create(citing=citing, cited=focus, status="suggested")
    Citation.objects.create(citing=rejected, cited=focus, status="rejected")
    graph = client.get(f"/graph/papers/{focus.pk}/").context["graph"]
    assert {n["id"] for n in graph["nodes"]} == {f"p{p.pk}" for p in (focus, cited, citing)}
    assert {(e["source"], e["target"], e["status"]) for e in graph["edges"]} == {
        (f"p{focus.pk}", f"p{cited.pk}", "accepted"),
        (f"p{citing.pk}", f"p{focus.pk}", "suggested"),
    }
    assert Paper.objects.count() == 4 and Concept.objects.count() == 0


def test_static_files_are_served_without_debug(client, settings):
    assert settings.DEBUG is False
    response = client.get("/static/vendor/cytoscape-3.34.4/cytoscape.min.js")
    assert response.status_code == 200
    assert b"cytoscape" in b"".join(response.streaming_content)[:2000].lower()


def test_a_concepts_old_address_leads_to_its_page_after_a_rename_or_a_merge(client):
    renamed, merged, survivor = make_concept("Scaling laws"), make_concept("Old idea"), make_concept("New idea")
    old_slug, merged_slug = renamed.slug, merged.slug
    renamed.slug = "scaling-laws"
    renamed.save()
    concept_merge(into=survivor, others=[merged])

    response = client.get(f"/graph/concepts/{old_slug}/", {"before": "12"})
    assert response.status_code == 301 and response["Location"] == "/graph/concepts/scaling-laws/?before=12"
    response = client.get(f"/graph/concepts/{merged_slug}/")
    assert response.status_code == 301 and response["Location"] == f"/graph/concepts/{survivor.slug}/"
    assert client.get("/graph/concepts/never-was/").status_code == 404


def test_a_papers_page_names_its_authors_identifiers_and_accepted_concepts(client, django_assert_max_num_queries):
    paper = make_paper(title="Rethinking the value of network pruning", doi="10.1000/xyz<1>", arxiv_id="1810.05270")
    for position, name in enumerate(["Zhuang Liu", "Mingjie Sun", "Trevor Darrell"], start=1):
        make_authorship(paper, make_author(name), position=position)
    pruning, sparsity, suggested = make_concept("Pruning"), make_concept("Sparsity"), make_concept("Suggested only")
    for concept, status in ((sparsity, "accepted"), (pruning, "accepted"), (suggested, "suggested")):
        PaperConcept.objects.create(paper=paper, concept=concept, status=status, source="manual")

    with django_assert_max_num_queries(6):  # the paper, its authors, its tags, its citations: not one per row
        page = client.get(f"/graph/papers/{paper.pk}/").content.decode()

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Zhuang Liu, Mingjie Sun, Trevor Darrell" in text.replace(" ,", ",")
    assert 'href="https://doi.org/10.1000/xyz%3C1%3E"' in page and 'href="https://arxiv.org/abs/1810.05270"' in page
    links = re.findall(r'<a href="/graph/concepts/([^/]+)/">([^<]+)</a>', page)
    assert links == [(pruning.slug, "Pruning"), (sparsity.slug, "Sparsity")]  # accepted ones, by name


def test_a_merged_papers_page_leads_to_the_paper_it_became(client):
    survivor, merged = make_paper(title="One work"), make_paper(title="One work, again")
    merged_id = merged.pk
    paper_merge(into=survivor, others=[merged])

    response = client.get(f"/graph/papers/{merged_id}/")
    assert response.status_code == 301 and response["Location"] == f"/graph/papers/{survivor.pk}/"
    assert client.get(f"/graph/papers/{merged_id + 1000}/").status_code == 404
