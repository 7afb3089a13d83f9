"""Writes the API refuses: each answer a 400 or a 409 that names the field or the paper in the way,
whether a serializer or a rule of the database refused it."""

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import CheckConstraint
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api.errors import _fields_of, exception_handler
from bibliography.models import Citation, Paper
from tests.factories import make_concept, make_paper

pytestmark = pytest.mark.django_db


def test_validation_errors_name_the_field(curator):
    response = curator.post("/api/papers/", {"title": ""}, format="json")
    assert response.status_code == 400 and "title" in response.json()["detail"]
    response = curator.post("/api/papers/", {"title": "X", "arxiv_id": "not-an-id"}, format="json")
    assert response.status_code == 400 and "arxiv_id" in response.json()["detail"]


def test_constraint_violations_are_409_not_500(curator):
    make_paper(doi="10.1000/taken")
    response = curator.post("/api/papers/", {"title": "Copy", "doi": "10.1000/taken"}, format="json")
    assert response.status_code == 409 and "doi" in response.json()["detail"]
    a, b = make_paper(), make_paper()
    Citation.objects.create(citing=a, cited=b)
    again = curator.post("/api/citations/", {"citing": a.pk, "cited": b.pk}, format="json")
    assert again.status_code == 409 and "citation_unique_pair" in again.json()["detail"]
    self_citation = curator.post("/api/citations/", {"citing": a.pk, "cited": a.pk}, format="json")
    assert self_citation.status_code == 400


def test_curators_can_set_a_citation_key_the_database_checks(curator):
    make_paper(title="Holder", citation_key="held2020")
    paper = make_paper(title="Mine")

    assert curator.patch(f"/api/papers/{paper.pk}/", {"citation_key": "mine2021"}, format="json").status_code == 200
    taken = curator.patch(f"/api/papers/{paper.pk}/", {"citation_key": "held2020"}, format="json")
    bad = curator.patch(f"/api/papers/{paper.pk}/", {"citation_key": "has space"}, format="json")
    blank = curator.patch(f"/api/papers/{paper.pk}/", {"citation_key": ""}, format="json")

    assert taken.status_code == 409 and "citation_key" in taken.json()["detail"]  # another paper holds it
    assert bad.status_code == 400 and "citation_key" in bad.json()["errors"]
    assert blank.status_code == 200
    assert curator.get(f"/api/papers/{paper.pk}/").json()["citation_key"] == "mine2021"


def test_a_tag_score_outside_0_to_1_is_a_400_on_the_field(curator):
    paper, concept = make_paper(), make_concept(slug="scored")
    response = curator.post(f"/api/papers/{paper.pk}/concepts/", {"concept": "scored", "score": 1.5}, format="json")
    assert response.status_code == 400 and "score" in response.json()["detail"]
    response = curator.post("/api/tags/", {"paper": paper.pk, "concept": concept.slug, "score": -0.1}, format="json")
    assert response.status_code == 400 and "score" in response.json()["detail"]


def test_a_doi_or_arxiv_id_another_paper_has_is_a_409_naming_that_paper(curator):
    holder = make_paper(title="The Holder", doi="10.1000/held", arxiv_id="2401.01234")
    for body in (
        {"title": "Copy", "doi": "https://doi.org/10.1000/HELD"},
        {"title": "Copy", "arxiv_id": "2401.01234v3"},
    ):
        response = curator.post("/api/papers/", body, format="json")
        assert response.status_code == 409, response.content
        assert f"paper {holder.pk}" in response.json()["detail"] and "The Holder" in response.json()["detail"]
    same = curator.patch(f"/api/papers/{holder.pk}/", {"doi": "10.1000/held"}, format="json")
    assert same.status_code == 200  # its own DOI is not another's


@pytest.mark.parametrize(
    ("field", "value"),
    [("published_on", "9999-12-31"), ("year", 3000), ("citation_key", "a b"), ("arxiv_id", "2399.01234"),
     ("arxiv_id", "hep-th/9913001"), ("published_on", "1399-12-31")],
)  # fmt: skip
def test_a_value_the_databases_rules_refuse_is_a_400_naming_the_field(curator, field, value):
    paper = make_paper(title="Kept", year=2020)
    response = curator.patch(f"/api/papers/{paper.pk}/", {field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    paper.refresh_from_db()
    assert (paper.year, paper.citation_key, paper.arxiv_id) == (2020, None, None)


def test_every_check_constraint_refusal_is_a_400_naming_fields_of_its_model():
    """Whatever reaches the database past the serializers: each rule names fields its model has."""
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, CheckConstraint):
                fields = _fields_of(constraint.condition)
                names = {f.name for f in model._meta.get_fields()} | {f.attname for f in model._meta.concrete_fields}
                assert fields and set(fields) <= names, (constraint.name, fields)


def test_a_rule_broken_in_the_database_answers_400_with_its_message(db):
    paper = make_paper(title="Kept", year=2020)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        Paper.objects.filter(pk=paper.pk).update(year=3000, issued=None, published_on=None)
    request = Request(APIRequestFactory().patch("/api/papers/1/"))
    response = exception_handler(refused.value, {"request": request})
    assert response.status_code == 400
    assert response.data["errors"] == {"year": ["The year must be between 1400 and 2200."]}
