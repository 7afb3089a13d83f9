"""What schemathesis's generated requests need to reach records: names that exist (the `api_data` fixture's)."""

from api.parsers import UNSTORABLE
from bibliography.models import Author, Concept, Paper, Venue

REFERENCES: dict = {}
# how a body names each kind of record it refers to
_NAMED = {
    "paper": (Paper, "pk"),
    "citing": (Paper, "pk"),
    "cited": (Paper, "pk"),
    "others": (Paper, "pk"),
    "authors": (Author, "pk"),
    "venue": (Venue, "pk"),
    "concept": (Concept, "slug"),
    "concepts": (Concept, "slug"),
    "parents": (Concept, "slug"),
}


def with_known_records(case, linked: frozenset = frozenset()) -> None:
    """Generated valid requests name records that exist: a random id or slug would name nothing, and
    a random cursor or a reused Idempotency-Key is invalid by design (cursors come from `next` links;
    test_bad_requests.py tries broken ones). Invalid requests are sent as generated, and the body
    fields and headers a link filled (named in `linked`) as the link filled them, unless the record
    it names is gone (the scenario deleted or merged it after the response the link read)."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if case.headers is not None:
        # a key names one request: the same random key drawn for another body is refused by design
        # (test_sync.py sends keys as clients do); a version names one state of a record, which a
        # random one is not (a link passes the ETag a read answered)
        for name in ("Idempotency-Key", "If-Match", "If-Unmodified-Since-Version"):
            if name not in linked:
                case.headers.pop(name, None)
    if isinstance(case.query, dict):
        case.query.pop("cursor", None)
        if case.query.get("concept"):
            case.query["concept"] = _known("concept")
        # what OpenAPI 3.0 cannot say: counts are JSON (no format), relevance needs something searched
        if case.query.get("group_by"):
            case.query.pop("format", None)
        searched = any(str(case.query.get(name, "")).strip() for name in ("search", "similar_to"))
        if "relevance" in str(case.query.get("ordering", "")) and not searched:
            case.query["similar_to"] = "scaling"
    if isinstance(case.body, dict):
        if isinstance(case.body.get("extra"), dict):
            # what OpenAPI 3.0 cannot say of a free-form object: none of its keys or texts holds U+0000 or
            # a lone surrogate, which no database text can (test_hostile_values.py sends them, refused)
            case.body["extra"] = _storable(case.body["extra"])
        if "file" in case.body:
            # what a schema cannot say: a file's content is a kind kept with papers (tests/test_attachments.py
            # sends the others)
            case.body["file"] = b"Notes on the paper, as a text file.\n"
        for name in REFERENCES:
            if name in case.body and (name not in linked or not _still_there(name, case.body[name])):
                case.body[name] = _known(name)
        if isinstance(case.body.get("keep"), dict) and case.body.get("others"):
            # a merge keeps values of the papers it merges, not of any paper
            case.body["keep"] = dict.fromkeys(case.body["keep"], case.body["others"][0])


# The WSGI transport asks for gzip and does not unpack it as HTTP clients do (compression has its
# own test in test_writes_preconditions.py).
PLAIN = {"Accept-Encoding": "identity"}


def _known(name: str):
    value = REFERENCES[name]
    return value() if callable(value) else value


def _still_there(name: str, value) -> bool:
    model, field = _NAMED[name]
    values = value if isinstance(value, list) else [value]
    wanted = {v for v in values if isinstance(v, int | str) and not isinstance(v, bool)}
    return len(wanted) == len(values) and model.objects.filter(**{f"{field}__in": wanted}).count() == len(wanted)


def _storable(value):
    if isinstance(value, str):
        return UNSTORABLE.sub("", value)
    if isinstance(value, dict):
        return {UNSTORABLE.sub("", key): _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value
