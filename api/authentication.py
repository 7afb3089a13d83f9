"""Tokens sent as `Authorization: Token …` (DRF's word) or `Authorization: Bearer …` (what OAuth
clients and most HTTP libraries send)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import TokenAuthentication


class BearerTokenAuthentication(TokenAuthentication):
    keyword = "Bearer"


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """The same tokens, as the schema's HTTP bearer scheme (DRF's `Token` one is `tokenAuth`)."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "The API token, as `Authorization: Bearer …`."}
