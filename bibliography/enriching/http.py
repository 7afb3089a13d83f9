"""One polite HTTP client for every scholarly service: it says who is asking (a contact address),
keeps each service's pace, retries what is worth retrying with growing waits (and as long as a
429's Retry-After asks, within reason), and keeps answers on disk so that a second run asks
nothing twice. Offline, it answers from that cache only and never opens a connection."""

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
import requests_cache

# Answers worth asking again: the service is busy, overloaded or briefly down.
RETRIED = frozenset({429, 500, 502, 503, 504})


class LookupFailed(Exception):
    """A service could not be asked or its answer cannot be used; the message names both."""


class NotCached(Exception):
    """Offline, and the cache does not hold this answer."""


@dataclass(frozen=True)
class Service:
    name: str  # as curators read it: "OpenAlex"
    base_url: str
    interval: float  # seconds between two requests that reach the service
    params: dict[str, str] = field(default_factory=dict)  # sent with every request (mailto, api_key)


def retry_after(response: requests.Response, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> float | None:
    """Seconds a 429 or 503 asks to wait, given as seconds or as an HTTP date; None when absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now()).total_seconds()) if when.tzinfo else None


class PoliteClient:
    def __init__(
        self,
        cache: Path,
        *,
        contact: str = "",
        offline: bool = False,
        retries: int = 4,
        backoff: float = 1.0,
        longest_wait: float = 120.0,
        timeout: tuple[float, float] = (5.0, 30.0),
        expire_after: timedelta = timedelta(days=30),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        cache.parent.mkdir(parents=True, exist_ok=True)
        # 404 is kept too: "no such work" is an answer, and asking again tomorrow would not change it
        self.session = requests_cache.CachedSession(
            str(cache), backend="sqlite", expire_after=expire_after, allowable_codes=(200, 404), only_if_cached=offline
        )
        agent = "bibliography (https://github.com/; research-group bibliography database)"
        self.session.headers["User-Agent"] = f"{agent} mailto:{contact}" if contact else agent
        self.offline, self.retries, self.backoff, self.longest_wait = offline, retries, backoff, longest_wait
        self.timeout, self.sleep, self.clock = timeout, sleep, clock
        self._last: dict[str, float] = {}
        self.asked = 0  # requests that reached a service (not answered from the cache)

    def close(self) -> None:
        self.session.close()

    def get(self, service: Service, path: str, params: dict | None = None, *, json: bool = True):
        """The answer's body (parsed JSON, or text), None for a 404."""
        request = requests.Request("GET", service.base_url + path, params={**service.params, **(params or {})})
        url = request.prepare().url or ""
        shown = _without_secrets(url, service)
        waited = False  # a retry's wait is at least the service's pace
        for attempt in range(self.retries + 1):
            if not waited and not self.offline and not self.session.cache.contains(request=request.prepare()):
                self._keep_pace(service)
            try:
                response = self.session.get(request.url, params=request.params, timeout=self.timeout)
            except (requests.Timeout, requests.ConnectionError) as error:
                if attempt == self.retries:
                    raise LookupFailed(
                        f"{service.name}: no answer from {shown} after {attempt + 1} tries ({type(error).__name__})"
                    ) from None
                self.sleep(max(service.interval, self.backoff * 2**attempt))
                waited = True
                continue
            if self.offline and response.status_code == 504:
                raise NotCached(shown)
            if not getattr(response, "from_cache", False):
                self._last[service.name] = self.clock()
                self.asked += 1
            if response.status_code == 404:
                return None
            if response.status_code in RETRIED:
                if attempt == self.retries:
                    raise LookupFailed(
                        f"{service.name} answered {response.status_code} to {shown}, {attempt + 1} times: giving up"
                    )
                wait = retry_after(response) if response.status_code in (429, 503) else None
                wait = min(self.longest_wait, wait if wait is not None else self.backoff * 2**attempt)
                self.sleep(max(service.interval, wait))
                waited = True
                continue
            if response.status_code >= 400:
                raise LookupFailed(f"{service.name} answered {response.status_code} to {shown}: {response.text[:200]}")
            if not json:
                return response.text
            try:
                return response.json()
            except ValueError:
                self.session.cache.delete(requests=[response.request])  # not kept: the next run asks again
                raise LookupFailed(
                    f"{service.name} answered {shown} with a body that is not JSON: {response.text[:80]!r}"
                ) from None
        raise AssertionError("unreachable")

    def _keep_pace(self, service: Service) -> None:
        last = self._last.get(service.name)
        if last is not None and (wait := service.interval - (self.clock() - last)) > 0:
            self.sleep(wait)


def _without_secrets(url: str, service: Service) -> str:
    key = service.params.get("api_key")
    return url.replace(key, "…") if key else url
