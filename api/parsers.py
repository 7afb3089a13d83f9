"""Request bodies: DRF's JSON parser, with the inputs it lets through as server errors made 400s."""

import re

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

# PostgreSQL's text and jsonb hold every character but these two kinds: U+0000, and a lone UTF-16
# surrogate (`"\ud800"` is valid JSON, but no UTF-8 text can hold it).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class JSONParser(parsers.JSONParser):
    """Also refuses JSON nested deeply enough to exhaust Python's recursion, and a character no
    database text can hold anywhere in the body (a key or a value, at any depth), naming where it is:
    a body without them is one the database can store, whichever field it reaches."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            where = unstorable_at(data, ignored=_undeclared(data, parser_context))
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
        if where is not None:
            path, character = where
            raise ValidationError({path or "body": [_refusal(character)]})
        return data


def _undeclared(data, parser_context) -> set[str]:
    """Top-level keys the view's serializer does not know: it never reads them, so they store nothing."""
    view = (parser_context or {}).get("view")
    if not isinstance(data, dict) or view is None or not hasattr(view, "get_serializer"):
        return set()
    try:
        declared = set(view.get_serializer().fields)
    except Exception:  # noqa: BLE001 — a view without a serializer for this action: check every key
        return set()
    return set(data) - declared


def _refusal(character: str) -> str:
    if character == "\x00":
        return "Null characters are not allowed (no text can hold U+0000)."
    return f"A lone surrogate (U+{ord(character):04X}) is not text: send the character it is half of."


def unstorable_at(value, path: str = "", ignored: set[str] = frozenset()) -> tuple[str, str] | None:
    """Where the first NUL or lone surrogate of a parsed JSON value lies (`extra.note`,
    `authors[0].name`, `ids[2]`) and which it is, or None; top-level keys in `ignored` are passed over."""
    if isinstance(value, dict) and ignored:
        value = {key: item for key, item in value.items() if key not in ignored}
    stack = [(path, value)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if found := UNSTORABLE.search(value):
                return where, found.group()
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                inside = f"{where}.{key}" if where else key
                if found := UNSTORABLE.search(key):
                    return UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", inside), found.group()
                stack.append((inside, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{n}]", item) for n, item in reversed(list(enumerate(value))))
    return None
