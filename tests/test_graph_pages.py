import io
import re

import pytest
from django.core.management import call_command

from bibliography.models import Citation, Concept, Paper
from tests.dumps import DUMPS
from tests.factories import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())


def test_the_graph_page_embeds_the_dag_and_loads_nothing_from_elsewhere(client, seed):
    response = client.get("/graph/")
    assert response.status_code == 200
    graph = response.context["graph"]
    assert len(graph["nodes"]) == 38 and len(graph["edges"]) == 30  # memberships are drawn as groups
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
