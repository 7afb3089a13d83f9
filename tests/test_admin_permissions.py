"""Who may write what in the admin: anonymous, viewer, curator and superuser, against every write path.

Each case is judged by its effect on the database, not by the status code alone: a refused write
changes nothing, an allowed one does what it says.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from bibliography.models import (
    Author,
    AuthorAlias,
    Citation,
    CitationKeyAlias,
    Concept,
    ConceptAlias,
    ConceptRelation,
    DuplicateCandidate,
    ImportRun,
    Job,
    KeyPoint,
    Keyword,
    Paper,
    PaperAlias,
    PaperConcept,
    PaperKeyword,
    Proposal,
    SourceRecord,
    Venue,
)
from tests.admin_pages import merge_form
from tests.factories import make_author, make_concept, make_paper, make_venue

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "viewer", "curator", "superuser"]
WRITERS = {"curator", "superuser"}
# Written by imports and merges only (proposals: decided in the review queue, below): nobody adds, edits or
# deletes them by hand.
READ_ONLY = {ImportRun, SourceRecord, PaperAlias, CitationKeyAlias, AuthorAlias, ConceptAlias, Proposal}


def client_for(role: str) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    user = User.objects.create_user(f"{role}-user", password="unused", is_staff=True, is_superuser=role == "superuser")
    if role in ("viewer", "curator"):
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


def form_data(response) -> dict:
    """What a browser would send back from an admin add or change page, unchanged."""
    data = {}

    def add(form):
        for name in form.fields:
            field = form[name]
            value = field.value()
            if value is None and isinstance(form.fields[name], forms.ModelMultipleChoiceField):
                continue  # nothing chosen: a browser sends nothing
            if value is None:
                value = ""
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
                continue
            data[field.html_name] = [str(v) for v in value] if isinstance(value, list | tuple) else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.forms:
            add(form)
    return data


@dataclass
class Case:
    name: str
    # given a superuser client to read forms with, returns (url, POST data, effect); effect() is True once done
    prepare: Callable[[Client], tuple[str, dict, Callable[[], bool]]]
    writers: frozenset[str] = frozenset(WRITERS)


def _add(model, fields: dict, unique: dict):
    opts = model._meta

    def prepare(reader):
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        data = form_data(reader.get(url)) | fields
        return url, data, lambda: model.objects.filter(**unique).exists()

    return prepare


def _change(model, make, field: str, value):
    opts = model._meta

    def prepare(reader):
        obj = make()
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        data = form_data(reader.get(url)) | {field: value}
        return url, data, lambda: model.objects.filter(pk=obj.pk, **{field: value}).exists()

    return prepare


def _delete(model, make):
    opts = model._meta

    def prepare(reader):
        obj = make()
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
        return url, {"post": "yes"}, lambda: not model.objects.filter(pk=obj.pk).exists()

    return prepare


def _action(model, action: str, make, done: Callable, extra: dict | Callable | None = None):
    opts = model._meta

    def prepare(reader):
        objects = make()
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        more = extra(objects) if callable(extra) else extra or {}
        data = {"action": action, "_selected_action": [o.pk for o in objects], **more}
        return url, data, lambda: done(objects)

    return prepare


def _review(view: str, data: Callable, status: str):
    def prepare(reader):
        tag = suggested_tag()
        return reverse(f"admin:{view}"), data(tag), lambda: PaperConcept.objects.get(pk=tag.pk).status == status

    return prepare


def proposal_accepted(reader):
    paper = make_paper(title="Kept", abstract="")
    proposal = Proposal.objects.create(paper=paper, field="volume", value="7", value_digest="v7", source="OpenAlex")
    data = {"kind": "proposal", "decision": "accept", "id": proposal.pk}
    return reverse("admin:review_decide"), data, lambda: Paper.objects.get(pk=paper.pk).volume == "7"


def key_point() -> KeyPoint:
    return KeyPoint.objects.create(paper=make_paper(), number=1, text="A")


def suggested_tag() -> PaperConcept:
    return PaperConcept.objects.create(paper=make_paper(), concept=make_concept(), status="suggested", score=0.5)


def suggested_citation() -> Citation:
    return Citation.objects.create(citing=make_paper(), cited=make_paper(), status="suggested")


def candidate() -> DuplicateCandidate:
    a, b = sorted([make_paper(title="Same thing"), make_paper(title="Same thing!")], key=lambda p: p.pk)
    return DuplicateCandidate.objects.create(paper_a=a, paper_b=b, reason="title", similarity=0.9)


def tag_status(tag) -> str:
    return PaperConcept.objects.get(pk=tag.pk).status


def citation_status(citation) -> str:
    return Citation.objects.get(pk=citation.pk).status


def merge(reader):
    keep, gone = make_paper(title="Keep"), make_paper(title="Gone")
    url = reverse("admin:bibliography_paper_merge")
    data = merge_form(reader.get(url, {"ids": f"{keep.pk},{gone.pk}"}))
    return url, data, lambda: not Paper.objects.filter(pk=gone.pk).exists()


def dismiss(reader):
    pair = candidate()
    url = reverse("admin:bibliography_duplicatecandidate_dismiss", args=[pair.pk])
    return url, {}, lambda: DuplicateCandidate.objects.get(pk=pair.pk).status == "dismissed"


def tag_with_concept(reader):
    papers, concept = [make_paper(), make_paper()], make_concept()
    url = reverse("admin:bibliography_paper_changelist")
    data = {"action": "tag_with_concept", "_selected_action": [p.pk for p in papers], "apply": "1"}
    data["concept"] = concept.pk
    return url, data, lambda: PaperConcept.objects.filter(concept=concept, status="accepted").count() == 2


def keyword() -> Keyword:
    return Keyword.objects.create(name=f"keyword {Keyword.objects.count()}")


def keyword_to_concept(reader):
    paper, concept = make_paper(), make_concept()
    word = keyword()
    PaperKeyword.objects.create(paper=paper, keyword=word)
    url = reverse("admin:bibliography_keyword_changelist")
    data = {"action": "tag_papers_with_concept", "_selected_action": [word.pk], "apply": "1", "concept": concept.pk}
    return url, data, lambda: PaperConcept.objects.filter(paper=paper, concept=concept, status="accepted").exists()


def relation() -> ConceptRelation:
    return ConceptRelation.objects.create(parent=make_concept(), child=make_concept())


def relation_add(reader):
    parent, child = make_concept(), make_concept()
    url = reverse("admin:bibliography_conceptrelation_add")
    data = form_data(reader.get(url)) | {"parent": parent.pk, "child": child.pk}
    return url, data, lambda: ConceptRelation.objects.filter(parent=parent, child=child).exists()


def keypoint_add(reader):
    paper = make_paper()
    url = reverse("admin:bibliography_keypoint_add")
    data = form_data(reader.get(url)) | {"paper": paper.pk, "number": 1, "text": "Added"}
    return url, data, lambda: KeyPoint.objects.filter(paper=paper).exists()


def tag_add(reader):
    paper, concept = make_paper(), make_concept()
    url = reverse("admin:bibliography_paperconcept_add")
    data = form_data(reader.get(url)) | {"paper": paper.pk, "concept": concept.pk, "status": "accepted"}
    return url, data, lambda: PaperConcept.objects.filter(paper=paper, concept=concept).exists()


def citation_add(reader):
    citing, cited = make_paper(), make_paper()
    url = reverse("admin:bibliography_citation_add")
    data = form_data(reader.get(url)) | {"citing": citing.pk, "cited": cited.pk, "status": "accepted"}
    return url, data, lambda: Citation.objects.filter(citing=citing, cited=cited).exists()


def candidate_add(reader):
    a, b = make_paper(), make_paper()
    data = {"paper_a": a.pk, "paper_b": b.pk, "reason": "title", "similarity": 0.5, "status": "open"}
    return reverse("admin:bibliography_duplicatecandidate_add"), data, DuplicateCandidate.objects.exists


CASES = [
    Case("add paper", _add(Paper, {"title": "Added in the admin", "kind": "article"}, {"title": "Added in the admin"})),
    Case("change paper", _change(Paper, make_paper, "title", "Renamed in the admin")),
    Case("delete paper", _delete(Paper, make_paper)),
    Case("add author", _add(Author, {"name": "Grace Hopper"}, {"name": "Grace Hopper"})),
    Case("change author", _change(Author, make_author, "name", "Ada King")),
    Case("delete author", _delete(Author, make_author)),
    Case("add venue", _add(Venue, {"name": "NeurIPS", "kind": "conference"}, {"name": "NeurIPS"})),
    Case("change venue", _change(Venue, make_venue, "short_name", "V")),
    Case("delete venue", _delete(Venue, make_venue)),
    Case("add concept", _add(Concept, {"name": "Optimisation", "slug": "optimisation"}, {"slug": "optimisation"})),
    Case("change concept", _change(Concept, make_concept, "description", "About it.")),
    Case("delete concept", _delete(Concept, make_concept)),
    Case("add relation", relation_add),
    Case("delete relation", _delete(ConceptRelation, relation)),
    Case("add key point", keypoint_add),
    Case("change key point", _change(KeyPoint, key_point, "text", "B")),
    Case("delete key point", _delete(KeyPoint, key_point)),
    Case("add tag", tag_add),
    Case("change tag", _change(PaperConcept, suggested_tag, "status", "rejected")),
    Case("delete tag", _delete(PaperConcept, suggested_tag)),
    Case("add keyword", _add(Keyword, {"name": "deep learning"}, {"name": "deep learning"})),
    Case("change keyword", _change(Keyword, keyword, "name", "Deep Learning")),
    Case("delete keyword", _delete(Keyword, keyword)),
    Case("map keyword to concept", keyword_to_concept),
    Case("start a job", _add(Job, {"kind": "find_duplicates"}, {"kind": "find_duplicates"})),
    Case("delete a job", _delete(Job, lambda: Job.objects.create(kind="suggest_tags", status="succeeded"))),
    Case("add citation", citation_add),
    Case("change citation", _change(Citation, suggested_citation, "status", "accepted")),
    Case("delete citation", _delete(Citation, suggested_citation)),
    Case("action: tag with a concept", tag_with_concept),
    Case(
        "review queue: accept suggested tags after the confirmation page",
        _review(
            "review_confirm",
            lambda tag: {"kind": "tag", "decision": "accept", "ids": tag.pk, "confirm": "1"},
            "accepted",
        ),
    ),  # fmt: skip
    Case(
        "review queue: reject one suggested tag",
        _review("review_decide", lambda tag: {"kind": "tag", "decision": "reject", "id": tag.pk}, "rejected"),
    ),  # fmt: skip
    Case("review queue: accept a proposed value", proposal_accepted),
    Case(
        "action: mark reviewed",
        _action(
            Paper,
            "mark_reviewed",
            lambda: [make_paper(needs_review=True, review_reason="check")],
            lambda papers: not Paper.objects.get(pk=papers[0].pk).needs_review,
        ),
    ),  # fmt: skip
    Case("merge papers", merge),
    Case(
        "action: merge concepts",
        _action(
            Concept,
            "merge_concepts",
            lambda: [make_concept(), make_concept()],
            lambda concepts: not Concept.objects.filter(pk=concepts[1].pk).exists(),
            lambda concepts: {"merge": "1", "survivor": concepts[0].pk},
        ),
    ),  # fmt: skip
    Case(
        "action: merge authors",
        _action(
            Author,
            "merge_authors",
            lambda: [make_author(), make_author()],
            lambda authors: not Author.objects.filter(pk=authors[1].pk).exists(),
            lambda authors: {"merge": "1", "survivor": authors[0].pk},
        ),
    ),  # fmt: skip
    Case(
        "action: accept tags",
        _action(PaperConcept, "accept", lambda: [suggested_tag()], lambda tags: tag_status(tags[0]) == "accepted"),
    ),  # fmt: skip
    Case(
        "action: reject citations",
        _action(
            Citation, "reject", lambda: [suggested_citation()], lambda rows: citation_status(rows[0]) == "rejected"
        ),
    ),  # fmt: skip
    Case("dismiss a duplicate", dismiss),
    Case(
        "action: dismiss duplicates",
        _action(
            DuplicateCandidate,
            "dismiss_selected",
            lambda: [candidate()],
            lambda rows: DuplicateCandidate.objects.get(pk=rows[0].pk).status == "dismissed",
        ),
    ),  # fmt: skip
    Case("add a duplicate candidate", candidate_add, writers=frozenset()),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_admin_write_paths(role, case):
    reader = client_for("superuser") if role != "superuser" else None
    client = client_for(role)
    url, data, effect = case.prepare(reader or client)
    assert not effect(), f"{case.name}: already done before the request"

    response = client.post(url, data)

    if role in case.writers:
        assert response.status_code in (200, 302), (case.name, role, response.status_code)
        assert effect(), f"{case.name}: a {role} should be able to do this ({response.status_code})"
    else:
        assert not effect(), f"{case.name}: a {role} must not be able to do this"
        if role == "anonymous":
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        else:  # a 403, or the changelist again with "No action selected" for an action they lack
            assert response.status_code in (200, 302, 403), (case.name, role, response.status_code)


@pytest.mark.parametrize("model", sorted(READ_ONLY, key=lambda m: m.__name__), ids=lambda m: m.__name__)
def test_provenance_is_read_only_even_for_superusers(model):
    client = client_for("superuser")
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200


def test_the_matrix_covers_every_model_of_the_admin():
    """A model registered later must get its rows in CASES (or be read-only)."""
    covered = {"paper", "author", "venue", "concept", "conceptrelation", "keypoint", "paperconcept", "citation",
               "duplicatecandidate", "keyword", "job"}  # fmt: skip
    registered = {model._meta.model_name for model in admin.site._registry if model._meta.app_label == "bibliography"}
    assert registered - covered == {model._meta.model_name for model in READ_ONLY}
