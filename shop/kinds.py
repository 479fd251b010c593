"""Cart-line kinds: the one small contract every sellable thing implements.

A cart or order line names its kind (`"product"`, `"ticket"`, `"build"`, `"boost"`,
`"tariff"`, ...) and a `ref` — the kind's own identifier, as a string. The commerce core
only ever talks to a kind through this contract, and never imports the apps that
implement one: each app registers its kind in its `AppConfig.ready()`.

Contract, per kind:
- `offers(refs)`: what each ref sells for right now (title, price, availability, ...).
  One call per kind per page, so list pages keep a constant number of queries.
- `hold(ref, quantity)`: reserve `quantity` atomically or raise `NotAvailable`.
  Implementations use a conditional UPDATE or `select_for_update`; state the lock.
- `release(ref, quantity)`: give a hold (or an unpaid order's reservation) back.
- `fulfil(order_line)`: the order was paid (issue tickets, create jobs, ...).
- `refund(order_line, quantity)`: undo `quantity` units of a paid line (restock, cancel
  tickets, ...). Money is handled by the core; this is only the goods.
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

if TYPE_CHECKING:
    from .models import OrderLine


ATTENDEE_NAMES_KEY = "attendee_names"  # in a line's data, for kinds that ask for names
ATTENDEE_NAME_MAX_LENGTH = 150


class NotAvailable(Exception):
    """The kind cannot provide the quantity asked for. `available` is what it can."""

    def __init__(self, message: str, *, available: int = 0):
        super().__init__(message)
        self.available = available


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

    def offers(self, refs: list[str]) -> dict[str, Offer]:
        """Offers for the refs that are on sale now; missing refs are not sellable."""
        raise NotImplementedError

    def offer(self, ref: str) -> Offer | None:
        return self.offers([ref]).get(ref)

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


_registry: dict[str, LineKind] = {}


def kind_register(kind: LineKind) -> LineKind:
    if not getattr(kind, "code", ""):
        raise ValueError("A line kind needs a code.")
    _registry[kind.code] = kind
    return kind


def kind_unregister(code: str) -> None:
    _registry.pop(code, None)


def kind_get(code: str) -> LineKind:
    try:
        return _registry[code]
    except KeyError:
        raise LookupError(f"Unknown line kind {code!r}.") from None
