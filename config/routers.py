"""Reads of the public API from streaming replicas; everything else on the primary.

A request reads from a replica only when all of these hold: replicas are configured
(DATABASE_REPLICA_URLS), it is a GET or HEAD under /api/, the client did not write in the last
DATABASE_REPLICA_PIN_SECONDS (a cookie set on its writes, so that it reads its own writes), it
did not ask for the primary (`X-Read-From: primary`), and the read is not inside a transaction
(a transaction's reads must see its own writes). The admin, imports and every write use the
primary. Replicas are picked at random per request.
"""

import contextvars
import random
import time

from django.conf import settings
from django.db import connections

_replica: contextvars.ContextVar[str | None] = contextvars.ContextVar("replica", default=None)

PIN_COOKIE = "read_primary_until"
SAFE_METHODS = ("GET", "HEAD")


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        replica = _replica.get()
        if replica is None or connections["default"].in_atomic_block:
            return "default"
        return replica

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def _reads_from_replica(request) -> bool:
    if request.method not in SAFE_METHODS or not request.path.startswith("/api/"):
        return False
    if request.headers.get("X-Read-From", "").lower() == "primary":
        return False
    try:
        return float(request.COOKIES.get(PIN_COOKIE, 0)) < time.time()
    except ValueError:
        return True


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replicas = settings.DATABASE_REPLICAS
        replica = random.choice(replicas) if replicas and _reads_from_replica(request) else None
        token = _replica.set(replica)
        try:
            response = self.get_response(request)
        finally:
            _replica.reset(token)
        if replicas and request.method not in SAFE_METHODS and response.status_code < 400:
            pin = settings.DATABASE_REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + pin:.3f}",
                max_age=pin,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        if replica:
            response["X-Read-From"] = replica
        return response
