"""Rate-limit helpers: the client address behind trusted proxies, and the rate of search
pages."""

from django.conf import settings


def client_ip(request) -> str:
    """The address the last trusted proxy saw (X-Forwarded-For read from the right)."""
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if settings.TRUSTED_PROXY_COUNT and len(forwarded) >= settings.TRUSTED_PROXY_COUNT:
        return forwarded[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")


def search_rate(group, request) -> str | None:
    """django-ratelimit's rate for a list page with a `q` search box: a search costs a LIKE
    scan, so SEARCH_RATE_LIMIT per key while searching; browsing without one is free."""
    return settings.SEARCH_RATE_LIMIT if request.GET.get("q", "").strip() else None
