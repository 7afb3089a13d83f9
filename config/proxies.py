"""Who the client is, behind the reverse proxies the deployment says it has (DJANGO_PROXY_COUNT)."""

from django.conf import settings


def client_ip(request) -> str:
    """The socket's address; or, behind N proxies that each append the address they were reached from
    to X-Forwarded-For (nginx's `$proxy_add_x_forwarded_for`), the N-th address from the right:
    whatever a client writes into the header itself stays to the left of it."""
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [address for address in forwarded if address]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
