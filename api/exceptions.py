"""The API's own refusals, as DRF exceptions: raised by parsing, negotiation, serializers and views, and
turned into JSON problem bodies by the exception handler (api/errors.py)."""

import difflib

from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError


class BadParameter(ValidationError):
    """A query parameter the API does not know or cannot use."""

    def __init__(self, parameter: str, message: str):
        super().__init__({"detail": message, "parameter": parameter})


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since you read it: fetch it again, then retry with its new ETag."
    default_code = "precondition_failed"


class UnprocessableEntity(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"


class Conflict(APIException):
    """The change is well formed but what is stored cannot take it: it would make this record
    another's double (the answer names that record) or put a concept below itself."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def unknown_parameter(name: str, known: list[str]) -> BadParameter:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)  # a typo, not another word
    hint = f'; did you mean "{close[0]}"?' if close else f"; known parameters: {', '.join(sorted(known))}"
    return BadParameter(name, f'unknown filter "{name}"{hint}')
