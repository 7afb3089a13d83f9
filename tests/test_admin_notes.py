"""Notes on a paper, written in the admin or through the API."""

import pytest
from rest_framework.test import APIClient

from bibliography.models import Note
from tests.admin_pages import CHANGELIST, _change_form_data, titles
from tests.factories import make_paper

pytestmark = pytest.mark.django_db


class TestNotes:
    """Notes on a paper: written on its page, signed and dated, in its history, found by the search
    of the admin and of the API."""

    def test_a_note_is_signed_searchable_and_in_the_history(self, client, curator):
        paper = make_paper(title="Grokking", abstract="Generalization beyond overfitting.")
        make_paper(title="Other paper")
        data = _change_form_data(paper) | {"notes-TOTAL_FORMS": 1, "notes-INITIAL_FORMS": 0}
        data |= {"notes-0-text": "Check the weight decay ablation <b>before</b> citing."}
        assert client.post(f"{CHANGELIST}{paper.pk}/change/", data).status_code == 302
        note = Note.objects.get()
        assert (note.paper, note.created_by) == (paper, curator)

        assert titles(client.get(CHANGELIST, {"q": "ablation"})) == ["Grokking"]
        api = APIClient()
        assert [p["title"] for p in api.get("/api/papers/", {"search": "ablation"}).json()["results"]] == ["Grokking"]
        listed = api.get("/api/notes/", {"paper": paper.pk}).json()["results"]
        assert [(n["text"], n["created_by"]) for n in listed] == [(note.text, "cur")]
        page = client.get(f"{CHANGELIST}{paper.pk}/change/").content.decode()
        assert "&lt;b&gt;before&lt;/b&gt;" in page
        history = client.get(f"{CHANGELIST}{paper.pk}/history/").context["timeline"]
        assert any(
            line.startswith("note “Check the weight decay") and line.endswith("added") for line in history[0].what
        )

    def test_the_api_signs_a_note_with_its_writer_and_refuses_a_blank_one(self, client, curator):
        paper = make_paper(title="Noted")
        api = APIClient()
        api.force_authenticate(curator)
        assert api.post("/api/notes/", {"paper": paper.pk, "text": "  "}, format="json").status_code == 400
        made = api.post("/api/notes/", {"paper": paper.pk, "text": "Read section 4"}, format="json")
        assert made.status_code == 201 and made.json()["created_by"] == "cur"
        assert Note.objects.get().created_by == curator
        assert APIClient().post("/api/notes/", {"paper": paper.pk, "text": "anonymous"}, format="json").status_code in (
            401, 403,
        )  # fmt: skip
