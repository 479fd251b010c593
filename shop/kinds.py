"""Cart-line kinds: the one small contract every sellable thing implements.

A cart or order line names its kind (`"product"`, `"ticket"`, `"build"`, `"boost"`,
`"tariff"`, ...) and a `ref` — the kind's own identifier, as a string. The commerce core
only ever talks to a kind through this contract, and never imports the apps that
implement one: each app registers its kind in its `AppConfig.ready()`.

`ref` always names an immutable row the kind owns. For a configurable thing (a build
spec, a boost quote, a tariff quote) it is a frozen configuration row, so two different
configurations are two lines and the same configuration added twice increments one line.

Contract, per kind:
- `offers(refs, *, buyer=None)`: what each ref sells for right now (title, price,
  availability, ...), possibly per buyer (a missing ref is not sellable to that buyer).
  One call per kind per page, so list pages keep a constant number of queries.
- `parts(ref, quantity)` (optional): a composite kind returns the `Part`s `quantity` units
  need (linear in `quantity`; parts may be composite again). The core's reservation module
  (`shop.services.reservations`) holds, releases, sells and restocks them, not the kind:
  the parts' kinds get `fulfil`/`refund` with a `PartLine` (the composite line's order, pk
  and data, the part's kind, ref and quantity). `None` (the default) means the line is its
  own single part.
- `hold(ref, quantity)`: reserve `quantity` atomically or raise `NotAvailable`.
  Implementations use a conditional UPDATE or `select_for_update`; state the lock. Only
  the core's reservation module calls it (never another kind), inside a savepoint, with
  every part of the operation in one (kind, ref) order. `holds_unlocked()` is the
  race-control tests' switch to a read-check-write without the lock.
- `release(ref, quantity)`: give a hold (or an unpaid order's reservation) back.
- `fulfil(order_line)`: the order was paid (issue tickets, create jobs, ...). The core
  calls it once per line (it records that on the line) inside the paying transaction. Raise
  `FulfilRefused` when the line can no longer be delivered: the payment is kept as
  unapplied and refunded. Side effects that must survive a crash (e.g. the "Your tickets"
  e-mail) are written here, in the paying transaction (outbox), not after commit.
- `refund(order_line, quantity)`: undo `quantity` units of a paid line (restock, cancel
  tickets, ...). Money is handled by the core; this is only the goods. Raise
  `RefundRefused` when the goods cannot be taken back (e.g. a completed boost).
- `progress(order_lines)` (optional): `LineProgress` per line pk for the live order panel
  (stage, percent, assignee). Lines a kind does not report follow the order's status.
- `line_links(order_lines)` (optional): links shown under the lines on the order page.
- `customer_caps(ref)` (optional): how many units of `ref` and its siblings one customer
  may have in all (cart, unpaid and paid orders), e.g. per ticket type and per event.
- `limited_for_guests` (optional): guests hold at most SHOP_GUEST_MAX_UNITS units of it.
- `confirms_free_orders` (optional, default False): an order of nothing but lines of such
  kinds, with nothing to pay, is confirmed by the kinds themselves (e.g. a registration
  e-mail with the tickets), so the shop sends no "payment received" e-mail and no invoice.
- `asks_attendee_names` (optional, default False): checkout offers one optional name per
  unit of such a line (e.g. a ticket's holder) and stores them, in place order, in the
  order line's `data[ATTENDEE_NAMES_KEY]`; a blank place is "". The kind reads them when
  it fulfils the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from project.core.errors import AppError

if TYPE_CHECKING:
    from .models import OrderLine


ATTENDEE_NAMES_KEY = "attendee_names"  # in a line's data, for kinds that ask for names
ATTENDEE_NAME_MAX_LENGTH = 150


class NotAvailable(AppError):
    """The kind cannot provide the quantity asked for. `available` is what it can."""

    code = "not_available"

    def __init__(self, message: str, *, available: int = 0):
        super().__init__(message)
        self.available = available


class FulfilRefused(AppError):
    """A paid line cannot be delivered any more (its event was canceled, its plan
    period was already paid, ...). The core keeps the payment as unapplied, flags the
    order and refunds it; the message says why."""

    code = "fulfil_refused"


class RefundRefused(AppError):
    """The goods of a paid line cannot be taken back (a completed boost, a used ticket);
    the message says why and no money moves."""

    code = "refund_refused"


@dataclass(frozen=True)
class Part:
    """One thing a composite line needs: `quantity` units of `kind`'s `ref`."""

    kind: str
    ref: str
    quantity: int


@dataclass(frozen=True)
class LineProgress:
    """Where the work on one paid line stands, for the live order panel."""

    stage: str  # a short machine name, e.g. "in_progress"
    label: str  # what the customer reads, e.g. "In progress: Gold II → Platinum IV"
    percent: int | None = None  # 0..100, None when the kind cannot tell
    assignee: str = ""  # the public name of who does the work, "" when nobody yet


@dataclass(frozen=True)
class Offer:
    title: str
    unit_price: Decimal
    currency: str
    url: str = ""
    image_url: str = ""
    is_physical: bool = False
    available: int | None = None  # None: unlimited
    organization_id: int | None = None
    max_per_order: int | None = None


@dataclass(frozen=True)
class CustomerCap:
    """At most `limit` units of the kind's `refs` per customer; `label` names them."""

    limit: int
    refs: tuple[str, ...]
    label: str


class LineKind:
    """Base class for kinds. Subclasses set `code` and implement the methods."""

    code: ClassVar[str]
    label: ClassVar[str] = ""
    # Limited kinds are held while in a cart; unlimited ones (e.g. services) are not.
    holds: ClassVar[bool] = True
    # Kinds a guest may hold only a few units of (SHOP_GUEST_MAX_UNITS): sign in for more.
    limited_for_guests: ClassVar[bool] = False
    # True: a zero-total order of only this kind's lines gets the kind's own confirmation.
    confirms_free_orders: ClassVar[bool] = False
    # True: checkout asks (optionally) for one attendee name per unit of the line.
    asks_attendee_names: ClassVar[bool] = False

    def offers(self, refs: list[str], *, buyer=None) -> dict[str, Offer]:
        """Offers for the refs that are on sale now (to `buyer`, a user or None for a
        guest); missing refs are not sellable."""
        raise NotImplementedError

    def offer(self, ref: str, *, buyer=None) -> Offer | None:
        return self.offers([ref], buyer=buyer).get(ref)

    def parts(self, ref: str, quantity: int) -> list[Part] | None:
        """The parts `quantity` units of a composite `ref` need; None: not composite."""
        return None

    def progress(self, *, order_lines: list[OrderLine]) -> dict[int, LineProgress]:
        """Progress of paid lines by line pk; lines left out follow the order status."""
        return {}

    def hold(self, *, ref: str, quantity: int, user=None) -> None:
        raise NotImplementedError

    def release(self, *, ref: str, quantity: int, reason: str = "", actor=None) -> None:
        raise NotImplementedError

    def fulfil(self, *, order_line: OrderLine) -> None:
        """Called once, inside the transaction that marks the order paid."""

    def refund(self, *, order_line: OrderLine, quantity: int, actor=None) -> None:
        """Called inside the refund transaction for `quantity` units of the line."""

    def customer_caps(self, ref: str) -> list[CustomerCap]:
        """The per-customer caps `ref` counts towards; none by default."""
        return []

    def line_links(self, *, order_lines: list[OrderLine]) -> dict[int, list[tuple[str, str]]]:
        """Optional links shown under each line on the order page, by line pk — e.g. a
        ticket's PDF. One call per kind per page."""
        return {}


def holds_unlocked() -> bool:
    """True only while a race-control test sets `settings.TEST_HOLDS_UNLOCKED`: the kinds'
    holds then read, check and write without their lock (the conditional UPDATE), so the
    test can run the real checkout path and show the oversell the lock prevents. Nothing
    outside the tests sets it."""
    from django.conf import settings

    return bool(getattr(settings, "TEST_HOLDS_UNLOCKED", False))


_registry: dict[str, LineKind] = {}


def kind_register(kind: LineKind) -> LineKind:
    if not getattr(kind, "code", ""):
        raise ValueError("A line kind needs a code.")
    _registry[kind.code] = kind
    return kind


def kind_unregister(code: str) -> None:
    _registry.pop(code, None)


def kinds_registered() -> list[str]:
    """The codes of every registered kind, sorted."""
    return sorted(_registry)


def kind_get(code: str) -> LineKind:
    try:
        return _registry[code]
    except KeyError:
        raise LookupError(f"Unknown line kind {code!r}.") from None
