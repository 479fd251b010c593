"""Rate-limit helpers: the client address behind trusted proxies, and the limits of search
pages: SEARCH_RATE_LIMIT per visitor (the account, else the session, else the address) and
the far higher SEARCH_IP_RATE_LIMIT per address, so people behind one address (a venue's
Wi-Fi, an office's NAT) each get their own allowance while one address still has a ceiling.

Apply both with `search_limited` (an address alone falls under the visitor rate as well)."""

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


def search_ip_rate(group, request) -> str | None:
    """The ceiling per address while searching (SEARCH_IP_RATE_LIMIT)."""
    return settings.SEARCH_IP_RATE_LIMIT if search_rate(group, request) else None


def visitor_key(group, request) -> str:
    """The account, else the session, else (no cookie yet) the address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        return f"session:{session.session_key}"
    return f"ip:{client_ip(request)}"


def search_limited(view):
    """Search limits for a list view: per visitor, and a ceiling per address."""
    from django_ratelimit.decorators import ratelimit

    per_visitor = ratelimit(key=visitor_key, rate=search_rate, block=True)
    per_address = ratelimit(key="ip", rate=search_ip_rate, block=True)
    return per_address(per_visitor(view))
