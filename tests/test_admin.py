"""The curation admin as a whole: its index with the review counts, the groups it grants, and the
widgets its form renderer writes. Its pages have modules of their own (test_admin_*.py)."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group

from bibliography.models import KeyPoint, PaperConcept
from tests.admin_pages import CHANGELIST
from tests.factories import make_author, make_authorship, make_concept, make_paper

pytestmark = pytest.mark.django_db


def test_index_shows_the_review_queue_with_counts(client, curator, seed):
    make_paper(title="Needs a look", needs_review=True, review_reason="check venue")
    response = client.get("/admin/")
    queues = {label: count for label, count, _, _ in response.context["queues"]}
    assert queues["Papers that need review"] == 11
    assert queues["Suggested citations"] == 0
    assert b'id="review-queue"' in response.content
    assert b"?needs_review__exact=1" in response.content


def test_groups_curator_edits_and_viewer_reads():
    curator, viewer = Group.objects.get(name="curator"), Group.objects.get(name="viewer")
    codes = set(curator.permissions.values_list("codename", flat=True))
    assert {"change_paper", "delete_paper", "add_paperconcept", "change_citation", "view_importrun"} <= codes
    assert not {"change_importrun", "add_user", "change_user"} & codes
    viewing = set(viewer.permissions.values_list("codename", flat=True))
    assert "view_paper" in viewing and "view_historicalpaper" in viewing
    assert all(code.startswith("view_") for code in viewing)


def _form_controls(page: str) -> list[tuple]:
    """Every control a browser would submit or show, as (tag, name, value, state): what a form
    renderer must keep, whatever whitespace it writes."""
    controls = []

    class Controls(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag in ("input", "select", "textarea", "option") and attrs.get("name") != "csrfmiddlewaretoken":
                state = tuple(sorted(k for k in ("checked", "selected", "required", "disabled") if k in attrs))
                controls.append((tag, attrs.get("name"), attrs.get("value"), attrs.get("class"), state))

    Controls().feed(page)
    return controls


def test_widgets_rendered_by_jinja2_are_the_widgets_django_renders(client, curator, settings):
    paper = make_paper(title="A talk", kind="talk", item_type="speech")
    make_authorship(paper, make_author("Ada Lovelace"))
    concept = make_concept()
    KeyPoint.objects.create(paper=paper, number=1, text="First & <b>only</b> point").concepts.set([concept])
    PaperConcept.objects.create(paper=paper, concept=concept, status="suggested", score=0.5)
    url = f"{CHANGELIST}{paper.pk}/change/"
    assert settings.FORM_RENDERER == "config.form_renderer.JinjaWidgets"
    fast = client.get(url).content.decode()
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    slow = client.get(url).content.decode()
    assert _form_controls(fast) == _form_controls(slow)
    assert len(_form_controls(fast)) > 60
    assert "First &amp; &lt;b&gt;only&lt;/b&gt; point</textarea>" in fast  # escaped, as Django escapes it
    assert fast.count("related-widget-wrapper") == slow.count("related-widget-wrapper") > 0
