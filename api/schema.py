"""OpenAPI schema adjustments drf-spectacular cannot infer."""

from bibliography.formats.registry import EXPORT_FORMATS

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
    "description": "Every error: `detail` says what to fix.",
    "properties": {
        "detail": {"type": "string"},
        "parameter": {"type": "string", "description": "The query parameter at fault, for a 400 on one."},
        "errors": {"type": "object", "additionalProperties": True, "description": "Each field's messages."},
    },
    "required": ["detail"],
}
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
    "409": "The change would make this record another's double, or the database refused it: `detail` names why.",
    "412": "If-Match names an older version: fetch the record again and retry with its ETag.",
}
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag of the version this change is based on; another curator's change since then is a 412.",
}
_IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag of the version you have: unchanged, it is a 304 with no body.",
}
_ETAG = {"ETag": {"schema": {"type": "string"}, "description": "The version of the whole record."}}


def describe_errors_and_versions(result, generator, request, public):
    """The error bodies each operation can answer, and the ETag, If-Match and If-None-Match of details."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"], schemas["GroupBy"] = _ERROR, _GROUPS
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, item in result.get("paths", {}).items():
        detail = "{" in path
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            codes = ["400"] + (["404"] if detail else [])
            if method != "get":
                codes += ["401", "403", "409"]
            if detail and method in ("put", "patch", "delete"):
                codes.append("412")
                operation.setdefault("parameters", []).append(_IF_MATCH)
            if detail and method == "get":
                operation.setdefault("parameters", []).append(_IF_NONE_MATCH)
                responses.setdefault("304", {"description": "Not modified: the ETag sent is the current one."})
                if "200" in responses:
                    responses["200"].setdefault("headers", {}).update(_ETAG)
            for code in codes:
                responses.setdefault(code, {"description": _ERRORS[code], "content": error})
        listing = item.get("get", {}).get("responses", {}).get("200", {}).get("content", {}).get("application/json")
        if path.endswith("/papers/") and listing:
            listing["schema"] = {"oneOf": [listing["schema"], {"$ref": "#/components/schemas/GroupBy"}]}
    return result
