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
