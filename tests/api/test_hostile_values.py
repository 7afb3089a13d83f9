"""Hostile values in every writable field of every resource, read from the API's own schema: a NUL, a
lone surrogate, control and bidi characters, megabyte strings, values of the wrong type, and keys of
free-form objects made of them. Whatever arrives, the answer is a 4xx that names the field, or a 2xx
that stored it; never a 5xx. A new field or resource is covered the day the schema shows it.
"""

import json
from dataclasses import dataclass

import pytest
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibliography.models import Author, Citation, KeyPoint, Note, PaperConcept, Proposal
from tests.factories import make_author, make_authorship, make_concept, make_paper, make_venue

pytestmark = pytest.mark.django_db

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
COMPONENTS = SCHEMA["components"]["schemas"]

KEY = "<key>"  # a step into a free-form object (`extra`): its key, and the value under it

HOSTILE_TEXT = [
    "a\x00b",
    "\x00",
    "\ud800",
    "tail \udfff",
    "\x01\x02\x08\x0b\x0c\x1b[31m\x7f\x85",
    "\u202eevil\u202c \u2066isolate\u2069 \u200b\u200d",
    "\ufeff",
    "\uffff\ufffe\U0010ffff",
    "𝕏 🧪 e\u0301",
    "x" * 1_000_000,
    " ".join(f"w{n}" for n in range(150_000)),  # a million bytes of distinct words (tsvector's limit)
    "",
    " \t\n",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "99999999999999999999999999",
    "-1",
    "1e309",
    "NaN",
]
HOSTILE_OTHER = [None, True, -1, 0, 2**70, -(2**63) - 1, 1e308, 0.5, [], {}, [None], {"a": None}, [["x"]]]


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return {**resolve(schema["allOf"][0]), **{k: v for k, v in schema.items() if k != "allOf"}}
    return schema


def leaves(schema: dict, steps: tuple = ()) -> list[tuple]:
    """Every place a value can go: each property at any depth, an item of each list, a free-form
    object's key and value. A step is a property name, ("item", alternative) or KEY."""
    schema = resolve(schema)
    found = [steps] if steps else []
    for name, inner in schema.get("properties", {}).items():
        if not resolve(inner).get("readOnly"):
            found += leaves(inner, (*steps, name))
    if isinstance(schema.get("additionalProperties"), dict):
        found += leaves(schema["additionalProperties"], (*steps, KEY))
    if "items" in schema:
        alternatives = resolve(schema["items"]).get("oneOf") or [schema["items"]]
        for number, alternative in enumerate(alternatives):
            found += leaves(alternative, (*steps, ("item", number)))
    return found


@dataclass
class Known:
    """Records that exist, for the ids and slugs a body must name to get past its first check."""

    ids: dict[str, object]


def base(ref: str, known: Known) -> dict:
    """What a created or replaced record needs beside the field under test: its required fields, and
    a title where the resource has one (a paper without one must say why it waits for review)."""
    body = sample({"$ref": ref}, "", known)
    if "title" in resolve({"$ref": ref}).get("properties", {}):
        body["title"] = "Sample title"
    return body


def sample(schema: dict, name: str, known: Known):
    """A valid value for a field, to fill the ones a body needs beside the hostile one."""
    schema = resolve(schema)
    if name in known.ids:
        return known.ids[name]
    if "enum" in schema:
        return next(value for value in schema["enum"] if value is not None)
    kind = schema.get("type")
    if "oneOf" in schema:
        return sample(schema["oneOf"][0], name, known)
    if kind == "object":
        return {key: sample(schema["properties"][key], key, known) for key in schema.get("required", [])}
    if kind == "array":
        return [sample(schema["items"], name, known) for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 0.5
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return "2020-01-02"
    return "Sample text"


def build(schema: dict, steps: tuple, value, known: Known, name: str = ""):
    """A value for `schema` with `value` placed at `steps`, and whatever else it requires filled in."""
    if not steps:
        return value
    schema = resolve(schema)
    step, rest = steps[0], steps[1:]
    if step == KEY:
        inner = schema["additionalProperties"]
        if not rest and isinstance(value, str):  # the key itself is hostile
            return {value: sample(inner, name, known)}
        return {"note": build(inner, rest, value, known, name)}
    if isinstance(step, tuple):
        alternatives = resolve(schema["items"]).get("oneOf") or [schema["items"]]
        return [build(alternatives[step[1]], rest, value, known, name)]
    made = sample(schema, "", known) if schema.get("type") == "object" else {}
    made[step] = build(schema["properties"][step], rest, value, known, step)
    return made


def operations() -> list[tuple[str, str, str]]:
    found = []
    for path, methods in SCHEMA["paths"].items():
        for method, operation in methods.items():
            body = (
                operation.get("requestBody", {}).get("content", {}).get("application/json")
                if isinstance(operation, dict)
                else None
            )
            if body:
                found.append((method, path, body["schema"]["$ref"]))
    return found


CASES = [(method, path, ref, steps) for method, path, ref in operations() for steps in leaves({"$ref": ref})]


def case_id(case) -> str:
    method, path, _, steps = case
    return f"{method.upper()} {path} " + ".".join(s if isinstance(s, str) else f"[{s[1]}]" for s in steps)


@pytest.fixture
def known(db):
    paper = make_paper(title="Hostile target", year=2020)
    other = make_paper(title="Another paper")
    author = make_author("Ada Lovelace")
    make_authorship(paper, author)
    concept = make_concept("Scaling", slug="scaling")
    tag = PaperConcept.objects.create(paper=paper, concept=concept, status="suggested", score=0.5)
    citation = Citation.objects.create(citing=paper, cited=other, status="suggested")
    key_point = KeyPoint.objects.create(paper=paper, number=1, text="A point.")
    note = Note.objects.create(paper=paper, text="A note.")
    proposal = Proposal.objects.create(paper=paper, field="volume", value="7", value_digest="v7", source="OpenAlex")
    venue = make_venue("NeurIPS")
    details = {
        "papers": paper.pk, "authors": author.pk, "concepts": concept.slug, "tags": tag.pk, "citations": citation.pk,
        "keypoints": key_point.pk, "notes": note.pk, "proposals": proposal.pk, "venues": venue.pk,
    }  # fmt: skip
    fresh = make_paper(title="Fresh paper")
    ids = {
        "paper": fresh.pk, "citing": fresh.pk, "cited": other.pk, "concept": concept.slug, "parents": [concept.slug],
        "others": [other.pk], "authors": [author.pk], "venue": venue.pk, "ids": [other.pk], "slug": "a-new-slug",
    }  # fmt: skip
    return Known(ids=ids), details


def url_for(path: str, details: dict) -> str:
    resource = path.split("/")[2]
    return path.replace("{id}", str(details[resource]))


def send(client, method: str, url: str, body) -> object:
    data = json.dumps(body)  # lone surrogates travel as \ud800 escapes, as a client's JSON encoder sends them
    return getattr(client, method)(url, data, content_type="application/json")


def check(response, steps: tuple, ref: str) -> None:
    """No server error; a refusal says what is wrong with which field: the one sent, or another that
    it makes necessary (`needs_review` asks for a `review_reason`)."""
    assert response.status_code < 500, response.content[:500]
    if 400 <= response.status_code < 500 and response.status_code not in (404, 409, 412, 413):
        assert response["Content-Type"].startswith("application/json")
        said = response.json()
        named = set(said.get("errors", {})) | ({said["parameter"]} if "parameter" in said else set())
        fields = set(resolve({"$ref": ref}).get("properties", {}))
        assert steps[0] in said["detail"] or (named and {n.split(".")[0].split("[")[0] for n in named} <= fields), said


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_every_field_answers_hostile_values_without_a_server_error(superuser, known, case):
    method, path, ref, steps = case
    known_ids, details = known
    url = url_for(path, details)
    for value in [*HOSTILE_TEXT, *HOSTILE_OTHER]:
        if steps[-1] == KEY and not isinstance(value, str):
            continue
        body = build({"$ref": ref}, steps, value, known_ids)
        if method in ("post", "put"):
            body = {**base(ref, known_ids), **body}
        check(send(superuser, method, url, body), steps, ref)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(case=st.sampled_from(CASES), value=st.text(alphabet=st.characters(codec=None), max_size=40))
def test_generated_text_in_any_field(superuser, known, case, value):
    method, path, ref, steps = case
    known_ids, details = known
    body = build({"$ref": ref}, steps, value, known_ids)
    if method in ("post", "put"):
        body = {**base(ref, known_ids), **body}
    check(send(superuser, method, url_for(path, details), body), steps, ref)


@pytest.mark.parametrize("method,path,ref", operations())
def test_a_body_that_is_not_utf8_is_a_400(superuser, known, method, path, ref):
    _, details = known
    response = getattr(superuser, method)(
        url_for(path, details), b'{"title": "\xff\xfe caf\xe9"}', content_type="application/json"
    )
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/json")


def test_a_nul_in_a_batch_id_is_a_400_for_anyone(anon):
    response = anon.post("/api/papers/batch/", {"ids": ["key:a\x00b"]}, format="json")
    assert response.status_code == 400
    assert "ids[0]" in response.json()["detail"]


def test_a_nul_deep_in_extra_or_an_author_names_its_place(superuser, known):
    _, details = known
    url = f"/api/papers/{details['papers']}/"
    authors = Author.objects.count()
    for body, place in [
        ({"extra": {"note": "a\x00b"}}, "extra.note"),
        ({"extra": {"a\x00b": "x"}}, "extra.a\\u0000b"),
        ({"issued": {"literal": "spring\x00"}}, "issued.literal"),
        ({"authors": [{"name": "Ada", "credited_as": "A\x00"}]}, "authors[0].credited_as"),
    ]:
        response = send(superuser, "patch", url, body)
        assert response.status_code == 400
        assert place in response.json()["errors"], response.json()
    assert Author.objects.count() == authors
