"""Reservations: the one place the core takes, gives back, sells and restocks what cart and
order lines need from their kinds.

A line `(kind, ref, quantity)` expands into its parts: a composite kind's `parts()` (taken
apart again, recursively), or the line itself. Every operation merges the parts of all its
lines by (kind, ref) and works through them sorted by (kind code, ref): one global order for
every cart, checkout, merge, re-hold, release and refund, so two of them never wait on each
other in a cycle, whatever mix of products, tickets and composites they hold.

`parts_hold` is all-or-nothing: each part is held in its own savepoint inside one savepoint
for the lot; on a refusal what was taken is given back (for kinds that do not keep their
count in this database) and the lot is rolled back, so nothing stays reserved.

Locks: the kinds' own (the product kind's conditional UPDATE on the product row, the ticket
kind's on the ticket type row), taken in the order above.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from shop.kinds import LineKind, NotAvailable, Part, kind_get

# How deep composite kinds may nest (a build of a kit of parts, ...).
MAX_DEPTH = 5


@dataclass(frozen=True)
class Item:
    """`quantity` units of one cart or order line, `kind:ref`."""

    kind: str
    ref: str
    quantity: int


class PartsNotAvailable(NotAvailable):
    """A hold was refused. `failures` maps each refused line (kind, ref) to how many units
    of that line are available now; `available` is that of the first one."""

    def __init__(self, message: str, *, failures: dict[tuple[str, str], int]):
        super().__init__(message, available=next(iter(failures.values()), 0))
        self.failures = failures


@dataclass(frozen=True)
class PartLine:
    """What a part's kind is given to sell or restock a part of a composite order line:
    the composite line's order, pk and data, with the part's kind, ref and quantity."""

    line: object  # the composite OrderLine
    kind: str
    ref: str
    quantity: int
    data: dict = field(default_factory=dict)

    @property
    def order(self):
        return self.line.order

    @property
    def order_id(self):
        return self.line.order_id

    @property
    def pk(self):
        return self.line.pk


def _kind(code: str) -> LineKind | None:
    try:
        return kind_get(code)
    except LookupError:
        return None


def line_parts(kind: str, ref: str, quantity: int, *, _depth: int = 0) -> list[Part]:
    """The leaf parts `quantity` units of `kind:ref` need (itself when not composite).
    Parts of kinds that hold nothing (services) or are unknown are left out."""
    line_kind = _kind(kind)
    if line_kind is None or quantity < 1:
        return []
    parts = line_kind.parts(ref, quantity)
    if parts is None:
        return [Part(kind=kind, ref=str(ref), quantity=quantity)] if line_kind.holds else []
    if _depth >= MAX_DEPTH:
        raise ValueError(f"Parts of {kind}:{ref} nest deeper than {MAX_DEPTH}.")
    leaves: list[Part] = []
    for part in parts:
        leaves += line_parts(part.kind, part.ref, part.quantity, _depth=_depth + 1)
    return leaves


def _merged(items: Iterable[Item]) -> list[tuple[Part, tuple[str, str]]]:
    """Every item's leaf parts, summed per (kind, ref) and sorted in the global order, each
    with the first item that needs it (to say which line a refusal is about)."""
    totals: dict[tuple[str, str], int] = {}
    owner: dict[tuple[str, str], tuple[str, str]] = {}
    for item in items:
        for part in line_parts(item.kind, item.ref, item.quantity):
            key = (part.kind, part.ref)
            totals[key] = totals.get(key, 0) + part.quantity
            owner.setdefault(key, (item.kind, item.ref))
    return [
        (Part(kind=kind, ref=ref, quantity=quantity), owner[(kind, ref)])
        for (kind, ref), quantity in sorted(totals.items())
    ]


def _line_available(item_key: tuple[str, str], part: Part, part_available: int) -> int:
    """How many units of the line `item_key` fit into `part_available` units of `part`."""
    kind, ref = item_key
    if (kind, ref) == (part.kind, part.ref):
        return part_available
    per_unit = sum(
        leaf.quantity
        for leaf in line_parts(kind, ref, 1)
        if (leaf.kind, leaf.ref) == (part.kind, part.ref)
    )
    return part_available // per_unit if per_unit else 0


def parts_hold(items: Iterable[Item], *, user=None, collect: bool = False) -> None:
    """Hold every part of `items`, all or nothing. Raises PartsNotAvailable: at the first
    refusal, or (`collect=True`) after trying every part, listing each refused line."""
    items = [item for item in items if item.quantity > 0]
    taken: list[Part] = []
    failures: dict[tuple[str, str], int] = {}
    messages: list[str] = []
    with transaction.atomic():
        for part, item_key in _merged(items):
            try:
                with transaction.atomic():
                    kind_get(part.kind).hold(ref=part.ref, quantity=part.quantity, user=user)
            except NotAvailable as exc:
                available = _line_available(item_key, part, exc.available)
                failures[item_key] = min(failures.get(item_key, available), available)
                messages.append(str(exc))
                if not collect:
                    break
            else:
                taken.append(part)
        if failures:
            # Kinds that keep their count elsewhere do not roll back with the savepoint.
            for part in reversed(taken):
                kind_get(part.kind).release(
                    ref=part.ref, quantity=part.quantity, reason="hold refused"
                )
            raise PartsNotAvailable(" ".join(messages), failures=failures)


def parts_release(items: Iterable[Item], *, reason: str = "", actor=None) -> None:
    """Give back what `items` hold (a cart hold, or an unpaid order's reservation)."""
    for part, _owner in _merged(items):
        kind_get(part.kind).release(
            ref=part.ref, quantity=part.quantity, reason=reason, actor=actor
        )


# --- paid lines ---------------------------------------------------------------------------

FULFILLED_KEY = "fulfilled"  # in an order line's data, once the core has fulfilled it


def lines_fulfil(order_lines) -> None:
    """Fulfil paid lines, each once: the line's kind, and for a composite line each part's
    kind (with a `PartLine`), parts in the global order. A kind raising FulfilRefused
    stops it; the caller's transaction then rolls back. Call inside the paying
    transaction, with the order row locked."""
    for line in sorted(order_lines, key=lambda line: (line.kind, line.ref, line.pk)):
        if (line.data or {}).get(FULFILLED_KEY):
            continue
        line_kind = kind_get(line.kind)
        line_kind.fulfil(order_line=line)
        if line_kind.parts(line.ref, line.quantity) is not None:
            for part, _owner in _merged([Item(line.kind, line.ref, line.quantity)]):
                kind_get(part.kind).fulfil(order_line=_part_line(line, part))
        line.data = {**(line.data or {}), FULFILLED_KEY: True}
        line.save(update_fields=["data"])


def lines_refund(wanted: dict, *, actor=None) -> None:
    """Take back the goods of paid lines: `wanted` maps an order line to the quantity.
    Each line's kind first (it may raise RefundRefused), then a composite line's parts are
    restocked by their kinds, in the global order."""
    parts: list[tuple[Part, object]] = []
    for line, quantity in sorted(wanted.items(), key=lambda pair: (pair[0].kind, pair[0].ref)):
        line_kind = kind_get(line.kind)
        line_kind.refund(order_line=line, quantity=quantity, actor=actor)
        if line_kind.parts(line.ref, quantity) is not None:
            parts += [
                (part, line) for part, _owner in _merged([Item(line.kind, line.ref, quantity)])
            ]
    for part, line in sorted(parts, key=lambda pair: (pair[0].kind, pair[0].ref)):
        kind_get(part.kind).refund(
            order_line=_part_line(line, part), quantity=part.quantity, actor=actor
        )


def _part_line(line, part: Part) -> PartLine:
    return PartLine(
        line=line, kind=part.kind, ref=part.ref, quantity=part.quantity, data=line.data or {}
    )
