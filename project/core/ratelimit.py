"""The client address for rate limits when the site runs behind trusted proxies."""

from django.conf import settings


def client_ip(request) -> str:
    """The address the last trusted proxy saw (X-Forwarded-For read from the right)."""
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) >= settings.TRUSTED_PROXY_COUNT:
        return forwarded[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")
