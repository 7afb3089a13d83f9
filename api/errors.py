"""Every error is JSON with a `detail` that says what to fix: a broken rule is a 400 naming its fields, a
record's double or a cycle of concepts a 409, never a 500."""

import functools
from http import HTTPStatus

from django.apps import apps
from django.db import IntegrityError
from django.db.models import CheckConstraint, F, Q
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from psycopg2.errorcodes import CHECK_VIOLATION
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import BadParameter
from .renderers import ExportRenderer


@csrf_exempt  # it changes nothing; a POST to a wrong path is a JSON 404, not the CSRF page's HTML 403
def not_found(request, *args, **kwargs):
    """Paths under /api/ that name nothing answer JSON, as the rest of the API does."""
    said = {"detail": f"no such resource: {request.path} (the API's resources: /api/)"}
    return JsonResponse(problem(404, said), status=404)


def exception_handler(exc, context):
    request = context.get("request")
    if request is not None and isinstance(getattr(request, "accepted_renderer", None), ExportRenderer):
        # An error asked for as BibTeX still comes back as JSON, which says what went wrong.
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
    if isinstance(exc, IntegrityError):
        if refused := _rule_broken(exc):
            response = Response(refused, status=status.HTTP_400_BAD_REQUEST)
        else:
            said = f"the database refused this change: {str(exc).splitlines()[0]}"
            response = Response({"detail": said}, status=status.HTTP_409_CONFLICT)
        _as_problem(request, response)
        return response
    if isinstance(exc, ValidationError) and not isinstance(exc, BadParameter) and _only_unique(exc.get_codes()):
        # "already exists" is a conflict with a stored record, not a malformed request
        exc.status_code = status.HTTP_409_CONFLICT
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and isinstance(exc, ValidationError)
        and not isinstance(exc, BadParameter)
        and isinstance(response.data, dict)
        and "detail" not in response.data
    ):
        fields = "; ".join(f"{field}: {_said(msgs)}" for field, msgs in response.data.items())
        response.data = {"detail": fields, "errors": response.data}
    if response is not None:
        _as_problem(request, response)
    return response


def problem(status_code: int, body: dict) -> dict:
    """An error body as RFC 9457's problem details: type, title and status, besides our detail."""
    return {"type": "about:blank", "title": HTTPStatus(status_code).phrase, "status": status_code, **body}


def _as_problem(request, response) -> None:
    if isinstance(response.data, dict) and "detail" in response.data:
        response.data = problem(response.status_code, response.data)
    if request is not None and "application/problem+json" in request.headers.get("Accept", ""):
        response.content_type = "application/problem+json"


def _only_unique(codes) -> bool:
    if isinstance(codes, dict):
        return bool(codes) and all(_only_unique(value) for value in codes.values())
    if isinstance(codes, list):
        return bool(codes) and all(_only_unique(value) for value in codes)
    return codes == "unique"


def _said(messages) -> str:
    """A field's messages as one line (DRF gives a list, nested errors a dict, a raised dict a string)."""
    if isinstance(messages, str):
        return messages
    if isinstance(messages, dict):
        return "; ".join(f"{key}: {_said(value)}" for key, value in messages.items())
    return " ".join(_said(message) for message in messages)


def _rule_broken(exc: IntegrityError) -> dict | None:
    """A check constraint's refusal as a 400 naming the fields of its rule, in its own words: a value
    the serializers did not foresee is the request's fault, not a conflict with another record."""
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
    if getattr(exc.__cause__, "pgcode", None) != CHECK_VIOLATION or name not in _check_constraints():
        return None
    constraint = _check_constraints()[name]
    fields = _fields_of(constraint.condition) or ["non_field_errors"]
    message = str(constraint.get_violation_error_message())
    return {"detail": f"{', '.join(fields)}: {message}", "errors": {field: [message] for field in fields}}


@functools.cache
def _check_constraints() -> dict:
    return {
        constraint.name: constraint
        for model in apps.get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, CheckConstraint)
    }


def _fields_of(condition) -> list[str]:
    """The fields a constraint's condition names, in order: `year__range` and `F("year")` are year."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, Q):
            for child in node.children:
                if isinstance(child, tuple):  # (lookup, value)
                    found.append(child[0].split("__")[0])
                    walk(child[1])
                else:
                    walk(child)
        elif isinstance(node, F):
            found.append(node.name.split("__")[0])
        elif hasattr(node, "get_source_expressions"):
            for source in node.get_source_expressions():
                walk(source)

    walk(condition)
    return list(dict.fromkeys(found))
