"""The one status badge and the one stock badge: the same status or stock level looks the
same on every page and table (orders, events, tickets, products, support rooms).

Templates: `{% load badges %}{% status_badge order.status order.get_status_display %}`
and `{% stock_badge product.available low=product.low_stock %}`; tables call
`status_badge(...)` and `stock_badge(...)` here. The markup is in
templates/components/status_badge.html and stock_badge.html.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

# Status value -> tone. A status not listed is neutral; add a new system's statuses here.
STATUS_TONES = {
    # orders
    "new": "warning",
    "pending_payment": "warning",
    "paid": "success",
    "shipped": "info",
    "completed": "success",
    "canceled": "danger",
    "refunded": "danger",
    # events and tickets
    "draft": "",
    "published": "success",
    "finished": "info",
    "reserved": "warning",
    "checked_in": "info",
    # support rooms
    "open": "success",
    "closed": "",
}

STOCK_LABELS = {
    "product": {
        "out": _("Out of stock"),
        "low": _("Only %(count)s left"),
        "in": _("In stock"),
    },
    "ticket": {"out": _("Sold out"), "low": _("%(count)s left"), "in": _("On sale")},
}


def status_tone(status) -> str:
    return STATUS_TONES.get(str(status), "")


def status_badge(status, label, *, testid: str = "") -> str:
    """A status as a coloured badge with its label."""
    html = render_to_string(
        "components/status_badge.html",
        {"status": str(status), "tone": status_tone(status), "label": label, "testid": testid},
    )
    return mark_safe(html.strip())  # noqa: S308 (rendered by the template engine, escaped)


def stock_level(available: int, *, low: bool) -> str:
    return "out" if available <= 0 else "low" if low else "in"


def stock_badge(available: int, *, low: bool, kind: str = "product") -> str:
    """How much is left, as a badge: out (danger), low with the count (warning), in stock."""
    level = stock_level(available, low=low)
    label = STOCK_LABELS[kind][level] % {"count": available}
    html = render_to_string(
        "components/stock_badge.html", {"level": level, "label": label, "available": available}
    )
    return mark_safe(html.strip())  # noqa: S308 (rendered by the template engine, escaped)
