"""Rate limits that say themselves: every API answer names the quotas it counts against and what is
left of them, in the IETF's RateLimit-Policy and RateLimit fields (draft-ietf-httpapi-ratelimit-headers),
so that a script slows down before it is refused; a 429 adds Retry-After."""

import math

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class ReportedRate:
    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if getattr(self, "key", None) is not None and self.rate is not None:
            remaining = max(self.num_requests - len(self.history), 0)
            # the window frees a request when the oldest one counted leaves it
            reset = self.duration - (self.now - self.history[-1]) if self.history else self.duration
            quotas = request._request.__dict__.setdefault("rate_limits", {})
            quotas[self.scope] = (self.num_requests, self.duration, remaining, max(math.ceil(reset), 0))
        return allowed


class AnonThrottle(ReportedRate, AnonRateThrottle):
    pass


class UserThrottle(ReportedRate, UserRateThrottle):
    pass


def rate_limit_headers(quotas: dict) -> dict:
    """{scope: (quota, window, remaining, reset)} as the two fields."""
    return {
        "RateLimit-Policy": ", ".join(f'"{scope}";q={q};w={w}' for scope, (q, w, _, _) in quotas.items()),
        "RateLimit": ", ".join(f'"{scope}";r={r};t={t}' for scope, (_, _, r, t) in quotas.items()),
    }
