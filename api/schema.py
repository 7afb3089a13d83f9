"""OpenAPI schema adjustments drf-spectacular cannot infer."""

import re

from drf_spectacular.extensions import OpenApiSerializerFieldExtension

from bibliography.formats.registry import EXPORT_FORMATS
from bibliography.models import ItemType, PaperKind

from .representation import PAPER, RANKING_FIELDS

# EDTF as dates.parse_edtf reads it, within MIN_YEAR..MAX_YEAR (days to the 28th: a pattern cannot
# tell which months have 31; the API takes every real day).
_YEAR = "(1[4-9][0-9]{2}|2[01][0-9]{2}|2200)"
_POINT = f"{_YEAR}(-(0[1-9]|1[0-2])(-(0[1-9]|1[0-9]|2[0-8]))?|-2[1-4])?"
EDTF_PATTERN = f"^{_POINT}(/{_POINT})?[~?]?$"


def one_version_of_each_path(endpoints):
    """/api/v1/ answers as /api/ does: the schema describes the paths once."""
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith("/api/v1/")]


class CslDateFieldExtension(OpenApiSerializerFieldExtension):
    """A date is written as EDTF text (a CSL date object is taken too) and read as a CSL date object."""

    target_class = "api.serializers.paper_fields.CslDateField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {
                "type": "string",
                "nullable": True,
                "pattern": EDTF_PATTERN,
                "example": "2020-03",
                "description": "EDTF: 2020, 2020-03, 2020-03-15, 2020-21 (spring), 2020-06-14/2020-06-19, 2020~",
            }
        return {"type": "object", "nullable": True, "example": {"date-parts": [[2020, 3]]}}


class PlausibleDateFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "api.serializers.paper_fields.PlausibleDateField"

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "format": "date", "nullable": True, "pattern": DATE_PATTERN}


_EXPORT_SCHEMAS = {
    media_type: {"type": "array", "items": {"type": "object"}} if fmt.name == "csljson" else {"type": "string"}
    for fmt in EXPORT_FORMATS.values()
    for media_type in (fmt.media_type, *fmt.media_aliases)
}


def describe_export_formats(result, generator, request, public):
    """Reference-manager formats are text (or CSL-JSON items), not the JSON serializers' shape."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for response in operation.get("responses", {}).values():
                for media_type, content in response.get("content", {}).items():
                    if media_type in _EXPORT_SCHEMAS:
                        content.clear()
                        content["schema"] = _EXPORT_SCHEMAS[media_type]
    return result


_ERROR = {
    "type": "object",
    "description": "Every error, as RFC 9457's problem details (`application/problem+json` when the client "
    "accepts it): `detail` says what to fix.",
    "properties": {
        "type": {"type": "string", "description": "RFC 9457: about:blank (the status says it all)."},
        "title": {"type": "string", "description": "RFC 9457: the status's phrase."},
        "status": {"type": "integer", "description": "RFC 9457: the status code."},
        "detail": {"type": "string"},
        "parameter": {"type": "string", "description": "The query parameter at fault, for a 400 on one."},
        "errors": {"type": "object", "additionalProperties": True, "description": "Each field's messages."},
    },
    "required": ["detail"],
}
_PROBLEM = "application/problem+json"
_GROUPS = {
    "type": "object",
    "description": "With group_by: counts per key of every paper the filters keep, largest first.",
    "properties": {
        "group_by": {"type": "string"},
        "groups": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "key": {"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": True},
                    "name": {"type": "string", "nullable": True},
                    "count": {"type": "integer"},
                },
                "required": ["key", "count"],
            },
        },
    },
    "required": ["group_by", "groups"],
}
_ERRORS = {
    "400": "A parameter or field is wrong: `detail` says what to fix; `parameter` or `errors` name it.",
    "401": "Writing needs a token (`Authorization: Token …` or `Bearer …`).",
    "403": "This account may not make this change.",
    "404": "No such record.",
    "409": "What is stored cannot take this change: it would make this record another's double (`detail` "
    "names that record) or a concept its own ancestor.",
    "412": "If-Match names an older version: fetch the record again and retry with its ETag.",
    "422": "This Idempotency-Key was sent with another request.",
    "429": "Too many requests from this client or account: wait the Retry-After header's seconds.",
}


def _header(name: str, description: str) -> dict:
    return {"name": name, "in": "header", "required": False, "schema": {"type": "string"}, "description": description}


_IF_MATCH = _header(
    "If-Match", "The ETag of the version this change is based on; another curator's change since then is a 412."
)
_IF_NONE_MATCH = _header("If-None-Match", "The ETag of the version you have: unchanged, it is a 304 with no body.")
_ETAG = {"ETag": {"schema": {"type": "string"}, "description": "The version of the whole record."}}
_IF_UNMODIFIED = {
    "name": "If-Unmodified-Since-Version",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"},
    "description": "The record's `version` this change is based on; a change since then is a 412.",
}
_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7e]+$"},
    "description": "Any unique text: the same create sent again with it gets the first answer (kept a day), "
    "not a second record; sent with another request it is a 422.",
}
_RATE_LIMIT = {
    "RateLimit-Policy": {
        "schema": {"type": "string"},
        "description": 'The quotas this request counts against: `"user";q=6000;w=60` is 6,000 requests a minute.',
    },
    "RateLimit": {
        "schema": {"type": "string"},
        "description": 'What is left of each: `"user";r=5999;t=42` is 5,999 more within 42 seconds.',
    },
}
_RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}}
_TOTAL_RESULTS = {
    "Total-Results": {"schema": {"type": "integer"}, "description": "The count, as Zotero's API gives it."}
}
_LIBRARY_VERSION = {
    "Last-Modified-Version": {
        "schema": {"type": "integer"},
        "description": "The library version to ask `since=` with next time (taken before this read).",
    }
}


# Records that live at another address once merged or renamed: the old one answers where.
_MOVED = {"/api/papers/{id}/", "/api/authors/{id}/", "/api/concepts/{id}/"}
_MOVED_RESPONSE = {
    "description": "Merged into another record or renamed: Location is its address (the query string kept).",
    "headers": {"Location": {"schema": {"type": "string"}, "description": "The record's address now."}},
}


# What a reader cannot see, as an ECMA character class's body: spaces and control characters (the
# server's rules, identifiers.DOI_SUFFIX and serializers._VISIBLE, say the same in Python's terms).
UNSEEN = "\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff"
_VISIBLE = {"minLength": 1, "pattern": f"[^{UNSEEN}]"}
# A new paper has a title, or waits for a curator who is told why; waiting always says why.
_TITLED_OR_FLAGGED = {
    "allOf": [
        {
            "anyOf": [
                {"properties": {"title": _VISIBLE}, "required": ["title"]},
                {
                    "properties": {"needs_review": {"enum": [True]}, "review_reason": _VISIBLE},
                    "required": ["needs_review", "review_reason"],
                },
            ]
        },
        {
            "anyOf": [
                {"not": {"required": ["needs_review"]}},
                {"properties": {"needs_review": {"enum": [False]}}},
                {"properties": {"review_reason": _VISIBLE}, "required": ["review_reason"]},
            ]
        },
    ]
}


DOI_SUFFIX = f"[^{UNSEEN}]{{1,240}}"  # 255 in all
_MONTH = "(0[1-9]|1[0-2])"
ARXIV_ID = f"([0-9]{{2}}{_MONTH}\\.[0-9]{{4,5}}|[a-z][a-z-]*(\\.[A-Z]{{2}})?/[0-9]{{2}}{_MONTH}[0-9]{{3}})"
# what the database holds (paper_year_plausible, paper_citation_key_format), as the schema says it
CITATION_KEY_OR_BLANK = "^[A-Za-z0-9_:./+-]*$"
DATE_PATTERN = f"^{_YEAR}-{_MONTH}-(0[1-9]|[12][0-9]|3[01])$"
# identifiers.py reads these as pasted: a resolver or scheme before, a version after
_IDENTIFIER_PATTERNS = {
    "doi": f"^(doi:|https?://(dx\\.)?doi\\.org/)?10\\.[0-9]{{4,9}}/{DOI_SUFFIX}$",
    "arxiv_id": f"^(arXiv:)?{ARXIV_ID}(v[0-9]+)?$",
}


def _text_pattern(prop: dict) -> str:
    """Text the database can hold (no NUL), and that says something where it may not be blank."""
    return f"^[^\\u0000]*[^{UNSEEN}][^\\u0000]*$" if prop.get("minLength", 0) >= 1 else "^[^\\u0000]*$"


def _no_nul(schema: dict) -> None:
    for prop in schema.get("properties", {}).values():
        if prop.get("type") == "string" and not {"format", "enum", "pattern"} & set(prop):
            prop["pattern"] = _text_pattern(prop)
        if prop.get("type") == "array" and prop.get("items", {}).get("type") == "string":
            prop["items"].setdefault("pattern", _text_pattern(prop["items"]))


def _either(value: str) -> str:
    """The pattern of a filter that takes alternatives (`a|b`) and negation (`!a`)."""
    return f"^!?({value})(\\|({value}))*$"


def _filter_patterns() -> dict[str, str]:
    def names(values):
        return "|".join(re.escape(v) for v in values)

    # a visible character as the server reads one (Python strips \x1c-\x1f as spaces; ECMA's \s keeps them)
    text = f"[^|\\u0000]*[^|{UNSEEN}][^|\\u0000]*"
    fields = "|".join([*PAPER.fields, *RANKING_FIELDS])
    return {
        "fields": f"^({fields})(,({fields}))*$",
        "year": _either("[1-9][0-9]{0,3}"),
        "kind": _either(names(PaperKind.values)),
        "item_type": _either(names(ItemType.values)),
        "doi": _either(f"10\\.[0-9]{{4,9}}/[^|{UNSEEN}]+"),
        **{name: _either(text) for name in ("author", "venue", "keyword", "concept", "key")},
    }


def describe_errors_and_versions(result, generator, request, public):
    """The error bodies each operation can answer, and the ETag, If-Match and If-None-Match of details."""
    patterns = _filter_patterns()
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in schemas.items():
        if name.endswith("Request"):
            _no_nul(schema)
            # a name no write takes is refused (a read-only field sent back unchanged is let through)
            schema.setdefault("additionalProperties", False)
    if "PaperWriteRequest" in schemas:
        schemas["PaperWriteRequest"].update(_TITLED_OR_FLAGGED)
    for name in ("PaperWriteRequest", "PatchedPaperWriteRequest"):
        for field, pattern in _IDENTIFIER_PATTERNS.items():
            if field in schemas.get(name, {}).get("properties", {}):
                schemas[name]["properties"][field]["pattern"] = pattern
                schemas[name]["properties"][field].pop("maxLength", None)  # the pattern bounds the DOI itself
    for name, schema in schemas.items():
        # `fields=` chooses what a record carries: only its id is always there
        if not name.endswith("Request") and "id" in schema.get("properties", {}) and "required" in schema:
            schema["required"] = ["id"]
    schemas["Error"], schemas["GroupBy"] = _ERROR, _GROUPS
    error = {media: {"schema": {"$ref": "#/components/schemas/Error"}} for media in ("application/json", _PROBLEM)}
    for path, item in result.get("paths", {}).items():
        detail = "{" in path
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            if method in ("post", "put") and "requestBody" in operation:
                operation["requestBody"]["required"] = True  # a record is made or replaced from a body
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "q" and parameter.get("required"):
                    parameter["schema"]["minLength"] = 1
                if parameter.get("name") == "page_size":
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 200}
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True  # `?year=` is the same as no year
                if parameter.get("in") == "query" and parameter.get("schema", {}).get("type") == "number":
                    parameter["schema"]["type"] = "integer"  # ids, years and counts are whole
                if path.endswith("/papers/") and parameter.get("name") in patterns:
                    parameter["schema"] = {"type": "string", "pattern": patterns[parameter["name"]]}
                free_text = parameter.get("schema", {}).get("type") == "string"
                if (
                    free_text
                    and parameter.get("in") == "query"
                    and not {"pattern", "enum", "format"} & set(parameter["schema"])
                ):
                    parameter["schema"]["pattern"] = "^[^\\u0000]*$"  # text the database can hold
            signed_in = path.startswith(_SIGNED_IN_ONLY)
            if (method == "get" and not signed_in) or path.endswith("/batch/"):  # reading needs no account
                security = operation.setdefault("security", [])
                if {} not in security:
                    security.append({})
            codes = ["400", "429"] + (["404"] if detail else [])
            if method != "get" or signed_in:
                codes += ["401", "403"]
            if method != "get":
                codes += ["409"]
            if detail and method in ("put", "patch", "delete"):
                codes.append("412")
                operation.setdefault("parameters", []).extend(
                    [_IF_MATCH, _IF_UNMODIFIED] if path.startswith("/api/papers/") else [_IF_MATCH]
                )
            if method == "post" and not detail and "requestBody" in operation and not path.endswith("/batch/"):
                codes.append("422")
                operation.setdefault("parameters", []).append(_IDEMPOTENCY_KEY)
            if method == "get" and (path.endswith("/papers/") or path.endswith("/deleted/")) and "200" in responses:
                responses["200"].setdefault("headers", {}).update(_LIBRARY_VERSION)
            listing_page = "Paginated" in str(responses.get("200", {}).get("content", {}).get("application/json", {}))
            if method == "get" and not detail and listing_page:
                responses["200"].setdefault("headers", {}).update(_TOTAL_RESULTS)
            if method == "get" and path in _MOVED:
                responses.setdefault("301", _MOVED_RESPONSE)
            if detail and method == "get" and not path.endswith("/download/"):  # a file is sent as it is
                operation.setdefault("parameters", []).append(_IF_NONE_MATCH)
                responses.setdefault("304", {"description": "Not modified: the ETag sent is the current one."})
                if "200" in responses:
                    responses["200"].setdefault("headers", {}).update(_ETAG)
            for code in codes:
                responses.setdefault(code, {"description": _ERRORS[code], "content": error})
            for code, response in responses.items():
                if code.startswith("2") or code == "429":
                    response.setdefault("headers", {}).update(_RATE_LIMIT)
            responses["429"]["headers"].update(_RETRY_AFTER)
        listing = item.get("get", {}).get("responses", {}).get("200", {}).get("content", {}).get("application/json")
        if path.endswith("/papers/") and listing:
            listing["schema"] = {"oneOf": [listing["schema"], {"$ref": "#/components/schemas/GroupBy"}]}
    return result


# How a record is named in its address: concepts by slug, everything else by id.
_NAMED_BY = {"concepts": "slug"}
# Records that name another in their body, by the field that names it.
_REFERRED_TO_BY = {
    "papers": [
        ("keypoints_create", "paper"),
        ("notes_create", "paper"),
        ("tags_create", "paper"),
        ("citations_create", "citing"),
        ("citations_create", "cited"),
        ("papers_merge_create", ["others"]),
    ],
    "venues": [("papers_create", "venue")],
    "authors": [("papers_create", ["authors"])],
    "concepts": [
        ("tags_create", "concept"),
        ("papers_concepts_create", "concept"),
        ("concepts_create", ["parents"]),
        ("keypoints_create", ["concepts"]),
    ],
}
# Read by signed-in users only: a lab's copies of other people's work (docs/files.md).
_SIGNED_IN_ONLY = ("/api/attachments/",)
# A change after a read names the version read, as a careful client does.
_VERSION_READ = {"header.If-Match": "$response.header.ETag"}


def _links_to(resource: str, operations: set[str], pointer: str, read: bool = False) -> dict:
    """Links from a response that holds one record (its name at `pointer`) to what can be done with it."""
    value = f"$response.body#{pointer}"
    links = {}
    for action, verb in (
        ("retrieve", "Get"),
        ("update", "Replace"),
        ("partial_update", "Update"),
        ("destroy", "Delete"),
        ("ancestors_retrieve", "Ancestors"),
        ("descendants_retrieve", "Descendants"),
        ("concepts_create", "Tag"),
        ("merge_create", "MergeInto"),
        ("download_retrieve", "Download"),
        ("similar_retrieve", "Similar"),
    ):
        if f"{resource}_{action}" in operations:
            parameters = {"path.id": value}
            if read and action in ("update", "partial_update", "destroy"):
                parameters |= _VERSION_READ
            links[verb] = {"operationId": f"{resource}_{action}", "parameters": parameters}
    for operation_id, field in _REFERRED_TO_BY.get(resource, []):
        if operation_id in operations:
            many = isinstance(field, list)
            field_name = field[0] if many else field
            links[f"{operation_id.title().replace('_', '')}With{field_name.title()}"] = {
                "operationId": operation_id,
                "requestBody": {field_name: [value] if many else value},
            }
    return links


def link_records(result, generator, request, public):
    """OpenAPI links from where a record's id appears (a create, a list, a detail) to what takes it.

    They say how the API is used in sequence: create a paper, then read, change, tag, cite and
    delete it. Stateful testing (tests/api/test_schema_states.py) follows them.
    """
    operations = {
        operation["operationId"]
        for item in result.get("paths", {}).values()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for item in result.get("paths", {}).values():
        for operation in item.values():
            operation_id = operation.get("operationId", "") if isinstance(operation, dict) else ""
            resource, _, action = operation_id.rpartition("_")
            if action == "update" and resource.endswith("_partial"):
                resource, action = resource.removesuffix("_partial"), "partial_update"
            pointer = "/" + _NAMED_BY.get(resource, "id")
            status, pointer = {
                "create": ("201", pointer),
                "list": ("200", "/results/0" + pointer),
                "retrieve": ("200", pointer),
                "update": ("200", pointer),
                "partial_update": ("200", pointer),
            }.get(action, (None, None))
            collection = {f"{resource}_list", f"{resource}_retrieve"} <= operations
            response = operation.get("responses", {}).get(status) if status and collection else None
            links = _links_to(resource, operations, pointer, read=action == "retrieve") if response else None
            if links:
                response["links"] = links
    return result
