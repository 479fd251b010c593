"""Where to send someone back to after a POST: a `next` parameter or the referring page,
when it is a URL on this site, else a fallback."""

from urllib.parse import urlsplit

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, candidate: str | None, *, fallback: str) -> str:
    """`candidate` if it is a path or an http(s) URL of this host, else `fallback` (a URL
    or a view name). The candidate is used literally: `redirect()` would read a bare word
    such as `abc` as a view name and fail with NoReverseMatch."""
    if (
        candidate
        and (candidate.startswith("/") or urlsplit(candidate).scheme)
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return resolve_url(fallback)
