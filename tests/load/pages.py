"""What the load test reads in the site's pages: links, form values, and the marks of an
error page (kept apart from the locustfile so tests can import it without Locust's gevent)."""

from __future__ import annotations

import re

# A 200 that carries an error: Django's error pages, or a red (sticky) toast from a view
# that redirected back with messages.error.
ERROR_PAGE = re.compile(
    r"<title>(Server error|Page not found|Forbidden|Too many requests|Bad request)[^<]*</title>"
    r"|data-toast data-sticky"
)
TOAST_TEXT = re.compile(r"data-toast data-sticky.*?<p[^>]*>\s*([^<]+?)\s*</p>", re.S)
EVENT_LINK = re.compile(r'href="/events/([a-z0-9-]+)/"')
PRODUCT_LINK = re.compile(r'href="/shop/p/([a-z0-9-]+)/"')
TICKET_REF = re.compile(
    r'name="kind" value="ticket">\s*<input type="hidden" name="ref" value="(\d+)"'
)
PRODUCT_REF = re.compile(r'name="kind" value="product">\s*<input[^>]*name="ref" value="(\d+)"')
IDEMPOTENCY = re.compile(r'name="idempotency_key" value="([^"]+)"')
RESERVED_PATHS = {"my-tickets"}


def error_of(response) -> str | None:
    """Why a response counts as a failure, or None."""
    if response.status_code == 429:
        return "429 Too Many Requests"
    if response.status_code >= 400:
        return f"HTTP {response.status_code}"
    if response.status_code == 200 and "text/html" in response.headers.get("Content-Type", ""):
        found = ERROR_PAGE.search(response.text)
        if found:
            if found.group(1):
                return f"200 carrying an error page: {found.group(1)}"
            toast = TOAST_TEXT.search(response.text)
            return f"200 carrying an error: {toast.group(1) if toast else 'error toast'}"
    return None
