"""Concepts in the admin: paper counts with their descendants, cycles refused in words, and the
autocomplete that chooses one."""

import pytest

from bibliography.merging import concept_merge
from bibliography.models import Concept
from tests.factories import make_concept

pytestmark = pytest.mark.django_db


def test_concept_changelist_counts_papers_with_descendants(client, curator, seed):
    response = client.get("/admin/bibliography/concept/", {"q": "scaling"})
    rows = {c.slug: (c.paper_count, c.paper_count_with_descendants) for c in response.context["cl"].result_list}
    assert rows["scaling"] == (0, 1)  # the talk is tagged with topics below the category
    page = response.content.decode()
    assert '<td class="field-paper_count_shown">0</td><td class="field-papers_with_descendants">1</td>' in page
    assert "bibliography.Paper.None" not in page


def test_a_cycle_made_in_the_admin_is_refused_with_a_message(client, curator):
    a, b = make_concept(name="Learning", slug="learning"), make_concept(name="Deep learning", slug="deep")
    client.post("/admin/bibliography/conceptrelation/add/", {"parent": a.pk, "child": b.pk})
    response = client.post("/admin/bibliography/conceptrelation/add/", {"parent": b.pk, "child": a.pk})
    assert response.status_code == 200
    assert "would create a cycle" in response.content.decode()
    assert Concept.objects.get(pk=a.pk).parents.count() == 0


def test_two_parent_and_child_rows_that_make_a_cycle_are_not_saved(client, curator):
    a = make_concept(name="Alpha", slug="alpha")
    b = make_concept(name="Beta", slug="beta")
    data = {
        "name": "Alpha",
        "slug": "alpha",
        "description": "",
        "kind": "topic",
        "parent_relations-TOTAL_FORMS": 1,
        "parent_relations-INITIAL_FORMS": 0,
        "parent_relations-0-parent": b.pk,
        "child_relations-TOTAL_FORMS": 1,
        "child_relations-INITIAL_FORMS": 0,
        "child_relations-0-child": b.pk,
    }
    data["name"] = "Alpha renamed"
    response = client.post(f"/admin/bibliography/concept/{a.pk}/change/", data)
    assert response.status_code == 200  # the form again, with the reason: nothing of the save is kept
    page = response.content.decode()
    assert "would create a cycle: “Beta” would be both above and below “Alpha renamed”" in page
    assert "added successfully" not in page and "changed successfully" not in page
    assert not a.parents.exists() and not a.children.exists()
    a.refresh_from_db()
    assert a.name == "Alpha"


def test_concept_autocomplete_ranks_the_exact_name_first_and_shows_the_kind(client, curator):
    make_concept(name="Language models learn concepts sequentially during training", slug="lm-sequential", kind="topic")
    make_concept(name="Multilingual language understanding", slug="multilingual", kind="topic")
    make_concept(name="language", slug="language", kind="category")
    response = client.get(
        "/admin/autocomplete/",
        {"term": "language", "app_label": "bibliography", "model_name": "keypoint", "field_name": "concepts"},
    )
    texts = [result["text"] for result in response.json()["results"]]
    assert texts == [
        "language (category)",
        "Language models learn concepts sequentially during training (topic)",
        "Multilingual language understanding (topic)",
    ]


def test_a_merged_away_concepts_page_leads_to_the_concept_it_became(client, curator):
    survivor, merged = make_concept("Pruning"), make_concept("Network pruning")
    merged_id = merged.pk
    concept_merge(into=survivor, others=[merged])

    page = client.get(f"/admin/bibliography/concept/{merged_id}/change/", follow=True)

    assert page.redirect_chain == [(f"/admin/bibliography/concept/{survivor.pk}/change/", 302)]
    assert f"“Network pruning” (concept #{merged_id}) was merged into this one." in page.content.decode()
    deleted = make_concept("Deleted")
    deleted_id = deleted.pk
    deleted.delete()
    gone = client.get(f"/admin/bibliography/concept/{deleted_id}/change/", follow=True)
    assert "doesn’t exist" in gone.content.decode()  # deleted, not merged: nowhere to lead
