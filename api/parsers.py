"""Request bodies: DRF's JSON parser, with the inputs it lets through as server errors made 400s."""

import json

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """Also refuses JSON nested deeply enough to exhaust Python's recursion, and strings holding a lone
    UTF-16 surrogate (`"\\ud800"` is valid JSON, but no UTF-8 text, so no database, can hold it)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
        except UnicodeEncodeError:
            raise ParseError("JSON parse error - a string holds a lone surrogate (\\ud800-\\udfff), not text") from None
        return data
