"""Every database rule an admin form or inline can reach is answered on the page, in words, with
nothing stored: never a 500, never a constraint's name (issue: curation as a curator's day needs it)."""

import pytest
from django.db import connection

from bibliography.models import ConceptRelation, Keyword
from tests.admin_pages import CHANGELIST, _change_form_data
from tests.factories import make_author, make_concept, make_paper

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("curator")]


def _digest() -> str:
    with connection.cursor() as cursor:
        parts = []
        for table in ("paper", "venue", "author", "authorship", "keyword", "paperkeyword", "keypoint", "citation",
                      "concept", "conceptrelation", "paperconcept", "paperlink", "note"):  # fmt: skip
            cursor.execute(
                f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM bibliography_{table} t"
            )
            parts.append(cursor.fetchone()[0])
    return "".join(parts)


def _rows(prefix, rows):
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0}
    for i, row in enumerate(rows):
        data |= {f"{prefix}-{i}-{k}": v for k, v in row.items()}
    return data


def paper_case(change=None, rows=None):
    def build():
        paper = make_paper(title="The paper", year=2020)
        other = make_paper(title="Another paper", citation_key="other2020paper")
        data = _change_form_data(paper) | {"issued": "2020"}
        extra = change(paper, other) if change else {}
        for prefix, make_rows in (rows or {}).items():
            extra |= _rows(prefix, make_rows(paper, other))
        return f"{CHANGELIST}{paper.pk}/change/", data | extra

    return build


AUTHOR = {"role": "author"}
CASES = {
    "paper_untitled_needs_review": (paper_case(lambda p, o: {"title": ""}), "needs review"),
    "paper_year_plausible": (paper_case(lambda p, o: {"issued": "2999"}), "2999"),
    "paper_extra_object": (paper_case(lambda p, o: {"extra": "[1, 2]"}), "must be a JSON object"),
    "paper_citation_key_unique": (paper_case(lambda p, o: {"citation_key": "other2020paper"}), "Another paper"),
    "paper_citation_key_format": (paper_case(lambda p, o: {"citation_key": "has a space"}), "letters, digits"),
    "authorship_unique_position": (
        paper_case(
            rows={
                "authorships": lambda p, o: [
                    {"author": make_author().pk, "position": 1, **AUTHOR},
                    {"author": make_author().pk, "position": 1, **AUTHOR},
                ]
            }
        ),
        "position",
    ),  # fmt: skip
    "authorship_unique_author_role": (
        paper_case(
            rows={
                "authorships": lambda p, o: [
                    {"author": (a := make_author()).pk, "position": 1, **AUTHOR},
                    {"author": a.pk, "position": 2, **AUTHOR},
                ]
            }
        ),
        "author",
    ),  # fmt: skip
    "authorship_position_from_one": (
        paper_case(rows={"authorships": lambda p, o: [{"author": make_author().pk, "position": 0, **AUTHOR}]}),
        "Positions start at 1",
    ),
    "keypoint_number_from_one": (
        paper_case(rows={"keypoints": lambda p, o: [{"number": 0, "text": "A point"}]}),
        "numbered from 1",
    ),
    "citation_unique_pair": (
        paper_case(
            rows={
                "citations_made": lambda p, o: [
                    {"cited": o.pk, "status": "accepted", "source": "manual"},
                    {"cited": o.pk, "status": "accepted", "source": "manual"},
                ]
            }
        ),
        "duplicate",
    ),  # fmt: skip
    "paperconcept_unique_pair": (
        paper_case(
            rows={
                "tags": lambda p, o: [
                    {"concept": (c := make_concept()).pk, "status": "accepted", "source": "manual"},
                    {"concept": c.pk, "status": "accepted", "source": "manual"},
                ]
            }
        ),
        "duplicate",
    ),  # fmt: skip
    "paperlink_unique_url_per_paper": (
        paper_case(
            rows={
                "links": lambda p, o: [
                    {"url": "https://github.com/a/b", "kind": "code"},
                    {"url": "https://github.com/a/b", "kind": "code"},
                ]
            }
        ),
        "duplicate",
    ),  # fmt: skip
    "venue_year_plausible": (
        lambda: ("/admin/bibliography/venue/add/", {"name": "ICML", "kind": "conference", "year": "3000"}),
        "between 1400 and 2200",
    ),
    "author_orcid_format": (
        lambda: ("/admin/bibliography/author/add/", {"name": "Ada Lovelace", "orcid": "1234"}),
        "An ORCID looks like",
    ),
    "paperkeyword_unique": (
        paper_case(
            rows={
                "paper_keywords": lambda p, o: [
                    {"keyword": (k := Keyword.objects.create(name="LLM")).pk, "position": 1},
                    {"keyword": k.pk, "position": 2},
                ]
            }
        ),
        "duplicate",
    ),  # fmt: skip
    "keypoint_text_not_blank": (
        paper_case(rows={"keypoints": lambda p, o: [{"number": 1, "text": "  "}]}),
        "This field is required",
    ),
    "concept_name_not_blank": (
        lambda: (
            "/admin/bibliography/concept/add/",
            {
                "name": "  ",
                "slug": "blank",
                "kind": "topic",
                "parent_relations-TOTAL_FORMS": 0,
                "parent_relations-INITIAL_FORMS": 0,
                "child_relations-TOTAL_FORMS": 0,
                "child_relations-INITIAL_FORMS": 0,
            },
        ),
        "This field is required",
    ),  # fmt: skip
    "keyword_not_blank": (lambda: ("/admin/bibliography/keyword/add/", {"name": "  "}), "This field is required"),
    "conceptrelation_not_self": (
        lambda: ("/admin/bibliography/conceptrelation/add/", {"parent": (c := make_concept()).pk, "child": c.pk}),
        "its own parent",
    ),
    "conceptrelation_unique_pair": (
        lambda: (
            "/admin/bibliography/conceptrelation/add/",
            {
                "parent": (r := ConceptRelation.objects.create(parent=make_concept(), child=make_concept())).parent_id,
                "child": r.child_id,
            },
        ),  # fmt: skip
        "already exists",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_rule_broken_in_a_form_is_said_in_words_and_nothing_is_stored(client, name):
    build, said = CASES[name]
    url, data = build()
    before = _digest()
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200, (name, response.status_code)
    assert said.lower() in page.lower(), name
    assert name not in page and "violated" not in page and "Constraint" not in page, name
    assert _digest() == before, f"{name}: something was stored"
