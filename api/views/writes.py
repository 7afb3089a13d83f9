"""Curators' writes: ETags and preconditions on details, one savepoint and a history user per
write, and creates made once per idempotency key."""

import hashlib
import json
import re

from django.db import transaction
from rest_framework.response import Response

from bibliography import syncing, text
from bibliography.models import Paper
from bibliography.syncing import idempotent_claim

from ..etags import representation_etag, sent_etags
from ..exceptions import BadParameter, PreconditionFailed, UnprocessableEntity
from ..representation import paper_document


class CuratedWritesMixin:
    """Details carry an ETag; PUT, PATCH and DELETE with If-Match must name the current one (else 412),
    so that two curators editing the same record cannot overwrite each other unknowingly.

    Each write runs in its own savepoint, so a constraint the database refuses (answered 409) leaves
    nothing half-done; history records the user who made it.
    """

    def etag_for(self, data) -> str:
        return representation_etag(json.dumps(data, sort_keys=True, default=str), self.request)

    def etag_of(self, instance) -> str:
        """The ETag of the whole record, whatever `?fields=` the request has."""
        if isinstance(instance, Paper):
            return self.etag_for(paper_document(instance.pk, self.request))
        return self.etag_for(
            self.get_serializer_class()(instance, context=self.get_serializer_context() | {"whole": True}).data
        )

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        # the ETag is the whole record's, whatever ?fields= shows, so that it serves If-Match
        etag = self.etag_of(instance) if "fields" in request.query_params else self.etag_for(data)
        return self.conditional(Response(data), etag)

    @staticmethod
    def conditional(response, etag: str):
        """The answer with its ETag (a 304 when If-None-Match names it: RepresentationETagMiddleware)."""
        response["ETag"] = etag
        return response

    def check_if_match(self, instance) -> None:
        since = self._version_sent()
        expected = sent_etags(self.request.headers.get("If-Match"))
        if expected and "*" not in expected and self.etag_of(instance) not in expected:
            raise PreconditionFailed()
        if since is not None and syncing.version_of(instance.pk) > since:
            raise PreconditionFailed("The record changed since that version: fetch it again, then retry.")

    def _version_sent(self) -> int | None:
        """If-Unmodified-Since-Version's number; a malformed one is a 400 whatever else was sent."""
        since = self.request.headers.get("If-Unmodified-Since-Version")
        if since is None:
            return None
        if not any(field.name == "version" for field in self.get_queryset().model._meta.fields):
            # silently passing it would promise a check that is not made
            raise BadParameter("If-Unmodified-Since-Version", "only papers have versions: send If-Match with the ETag")
        if (version := text.whole_number(since.strip())) is None:
            raise BadParameter("If-Unmodified-Since-Version", "If-Unmodified-Since-Version is a record's version")
        return version

    def _preconditions(self) -> bool:
        return bool(self.request.headers.get("If-Match")) or "If-Unmodified-Since-Version" in self.request.headers

    def _locked(self, instance):
        """The record again, locked until the write commits: If-Match is checked against what is
        written over, not what was read before another curator's write landed."""
        return self.get_queryset().select_for_update(of=("self",)).get(pk=instance.pk)

    def perform_create(self, serializer):
        extra = {"created_by": self.request.user} if "created_by" in serializer.fields else {}
        with transaction.atomic():
            serializer.save(**extra)

    def perform_update(self, serializer):
        with transaction.atomic():
            if self._preconditions():
                serializer.instance = self._locked(serializer.instance)
                self.check_if_match(serializer.instance)
            serializer.instance._history_user = self.request.user
            serializer.save()

    def perform_destroy(self, instance):
        with transaction.atomic():
            if self._preconditions():
                instance = self._locked(instance)
                self.check_if_match(instance)
            instance._history_user = self.request.user
            self.remove(instance)

    def remove(self, instance) -> None:
        """What deleting the record does (an attachment's file goes with it)."""
        instance.delete()

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        response["ETag"] = self.etag_for(response.data)  # the representation a GET now returns
        return response

    def create(self, request, *args, **kwargs):
        """A create sent again with the same `Idempotency-Key` (or Zotero's `Zotero-Write-Token`) gets
        the first one's answer, not a second record; the key sent with another request is a 422."""
        header = next((name for name in ("Idempotency-Key", "Zotero-Write-Token") if name in request.headers), None)
        if header is None:
            return super().create(request, *args, **kwargs)
        key = request.headers[header]
        if not re.fullmatch(r"[\x20-\x7e]{1,255}", key):
            raise BadParameter(header, f"{header} is 1 to 255 printable characters")
        sent = json.dumps([request.path, request.data], sort_keys=True, default=str)
        fingerprint = hashlib.sha256(sent.encode()).hexdigest()
        with transaction.atomic():
            claim = idempotent_claim(request.user, key, fingerprint)
            if claim.status is not None:
                if claim.fingerprint != fingerprint:
                    raise UnprocessableEntity(f"this {header} was sent with another request; use a new key")
                return Response(claim.answer, status=claim.status, headers={"Idempotent-Replayed": "true"})
            response = super().create(request, *args, **kwargs)
            claim.status, claim.answer = response.status_code, response.data
            claim.save(update_fields=["status", "answer"])
        return response
