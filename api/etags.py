"""What identifies a version of what a GET answers (ETags), and the ones a client sends back."""

import hashlib


def representation_etag(text: str | bytes, request) -> str:
    """The version of what a GET answers, the same whatever host name the client reached us by (a
    body holds absolute URLs)."""
    if isinstance(text, str):
        text = text.encode()
    host = request.build_absolute_uri("/").encode()
    return '"' + hashlib.sha256(text.replace(host, b"/")).hexdigest()[:32] + '"'


def sent_etags(header: str | None) -> list[str]:
    """The ETags a client sent back; a gzipped answer's is marked weak (W/), and names the same record."""
    return [tag.strip().removeprefix("W/") for tag in (header or "").split(",") if tag.strip()]
