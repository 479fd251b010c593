"""API token scopes: one per area and access level, `<area>:read` or `<area>:write`.

Write implies read. A view names its area (`scope_area`); `ScopePermission` asks a token
for `<area>:read` on safe methods and `<area>:write` on the others. Signed-in sessions
(same-site calls, with CSRF) are not limited by scopes: they are the user, as on the pages.
What a user may do within an area is still the pages' rule (roles, organization scoping).
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

AREAS: dict[str, str] = {
    "catalog": _("Catalog: products, categories, events and ticket availability"),
    "orders": _("My orders and tickets"),
    "organizer": _("My organizations: events, attendees, check-in, orders"),
    "staff": _("Staff: products, stock, orders and refunds"),
    "jobs": _("My jobs: progress updates"),
    "seller": _("Seller tools: stores, monitored products, prices and proposals"),
}
LEVELS = ("read", "write")
LEVEL_LABELS = {"read": _("read"), "write": _("read and write")}


def scope_choices() -> list[tuple[str, str]]:
    return [
        (
            f"{area}:{level}",
            format_lazy("{label} ({level})", label=label, level=LEVEL_LABELS[level]),
        )
        for area, label in AREAS.items()
        for level in LEVELS
    ]


SCOPES = frozenset(f"{area}:{level}" for area in AREAS for level in LEVELS)


def scopes_grant(scopes, *, area: str, write: bool) -> bool:
    """Whether a token with `scopes` may read (or write, when `write`) in `area`."""
    scopes = set(scopes)
    if f"{area}:write" in scopes:
        return True
    return not write and f"{area}:read" in scopes
