"""The live order panel's data: who may follow an order, and what they are shown.

The order page's first render and the socket's fragments come from the same `order_live`
and the same template partial, so they never disagree. Progress comes from the kinds
(`LineKind.progress`, one call per kind, for paid orders only); lines no kind reports follow
the order's status through `STATUS_PROGRESS`, the default kept here and not in the shop.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from project.accounts.roles import Perm
from shop.kinds import LineProgress, kind_get
from shop.models import Order, OrderLine

# The progress of a line no kind reports on follows its order's status.
STATUS_PROGRESS = {
    Order.Status.NEW: 0,
    Order.Status.PENDING_PAYMENT: 10,
    Order.Status.PAID: 40,
    Order.Status.SHIPPED: 75,
    Order.Status.COMPLETED: 100,
    Order.Status.CANCELED: 0,
    Order.Status.REFUNDED: 0,
}

# Who may follow any order: the roles that see every order (staff, managers, admins).
WATCHER_PERMISSION = Perm.ORDERS_VIEW


def order_group(number: str) -> str:
    return f"order.{number}"


def order_can_follow(*, user, order: Order) -> bool:
    if not user.is_authenticated:
        return False
    return order.user_id == user.pk or user.has_perm(WATCHER_PERMISSION)


# Kinds report progress on paid lines only; before payment and after a cancel or a refund
# every line follows the order's status.
REPORTED_STATUSES = {Order.Status.PAID, Order.Status.SHIPPED, Order.Status.COMPLETED}

FRAGMENT_TEMPLATE = "dashboards/order_panel.html#order-progress"


@dataclass(frozen=True)
class LineLive:
    line: OrderLine
    progress: LineProgress


@dataclass(frozen=True)
class OrderLive:
    """What the panel shows: the order's percent and assignees, and each reported line."""

    order: Order
    percent: int
    assignees: tuple[str, ...]
    lines: tuple[LineLive, ...]  # only the lines a kind reported on, in line order

    @property
    def key(self) -> str:
        """A digest of everything the panel shows, to tell a stale panel from a fresh one."""
        order = self.order
        shown = (order.status, f"{order.total:.2f}", f"{order.refunded_total:.2f}")
        shown += (self.percent, self.assignees, [(i.line.pk, i.progress) for i in self.lines])
        return hashlib.blake2b(repr(shown).encode(), digest_size=8).hexdigest()


def _clamped(percent: int | None) -> int | None:
    return None if percent is None else max(0, min(100, int(percent)))


def order_line_progress(order: Order, lines: list[OrderLine]) -> dict[int, LineProgress]:
    """The kinds' progress for the order's lines, by line pk (one call per kind)."""
    if order.status not in REPORTED_STATUSES:
        return {}
    by_kind: dict[str, list[OrderLine]] = {}
    for line in lines:
        by_kind.setdefault(line.kind, []).append(line)
    reported: dict[int, LineProgress] = {}
    for code, kind_lines in by_kind.items():
        try:
            kind = kind_get(code)
        except LookupError:  # a kind since removed: its lines follow the order
            continue
        pks = {line.pk for line in kind_lines}
        for pk, progress in kind.progress(order_lines=kind_lines).items():
            if pk in pks:
                reported[pk] = progress
    return reported


def order_live(order: Order) -> OrderLive:
    """The panel's content for `order` (its lines prefetched, or one query)."""
    lines = list(order.lines.all())
    reported = {
        pk: replace(progress, percent=_clamped(progress.percent))
        for pk, progress in order_line_progress(order, lines).items()
    }
    default = STATUS_PROGRESS.get(order.status, 0)
    percent = default
    if reported:
        # The mean over the order's lines; a line without a percent counts at the status's.
        percents = [getattr(reported.get(line.pk), "percent", None) for line in lines]
        percent = round(sum(default if p is None else p for p in percents) / len(percents))
    items = tuple(
        LineLive(line=line, progress=reported[line.pk]) for line in lines if line.pk in reported
    )
    assignees = tuple(
        dict.fromkeys(item.progress.assignee for item in items if item.progress.assignee)
    )
    return OrderLive(order=order, percent=percent, assignees=assignees, lines=items)


def site_language() -> str:
    """The language followers get unless their handshake asks for another."""
    return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


def order_fragment(order: Order, *, language: str | None = None) -> str:
    """The panel's live part as HTML that replaces itself on the page (`hx-swap-oob`), in
    `language` (the site's by default)."""
    with translation.override(language or site_language()):
        return render_to_string(
            FRAGMENT_TEMPLATE, {"order": order, "live": order_live(order), "oob": True}
        )


def order_update_event(order: Order) -> dict:
    """The channel-layer message for a change: rendered once, in the site's language, for
    every follower; a follower in another language renders its own from `order_id`."""
    language = site_language()
    return {
        "type": "order.update",
        "order_id": order.pk,
        "language": language,
        "html": order_fragment(order, language=language),
    }
