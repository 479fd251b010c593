"""Cart reads: the lines with what each sells for now, the totals, the mini-cart count.

Prices come from the kinds' current offers, one `offers()` call per kind, so a cart page
runs the same number of queries however many lines it has.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from shop.kinds import LineKind, Offer, kind_get
from shop.models import Cart, CartLine

SESSION_CART_KEY = "shop_cart_id"


@dataclass
class CartItem:
    line: CartLine
    offer: Offer | None
    kind: LineKind | None

    @property
    def title(self) -> str:
        return self.offer.title if self.offer else self.line.data.get("title", self.line.ref)

    @property
    def unit_price(self) -> Decimal:
        return self.offer.unit_price if self.offer else Decimal("0")

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.line.quantity

    @property
    def holds(self) -> bool:
        return bool(self.kind and self.kind.holds)

    @property
    def problem(self) -> str:
        """Why this line cannot be bought as it is, or ""."""
        if self.offer is None:
            return "No longer on sale."
        if self.holds and self.line.held_quantity < self.line.quantity:
            available = self.offer.available
            if available is not None and self.line.held_quantity + available < self.line.quantity:
                left = self.line.held_quantity + available
                return f"Only {left} available." if left else "Sold out."
            return "Not reserved any more."
        return ""

    @property
    def available(self) -> bool:
        return not self.problem


@dataclass
class CartSummary:
    cart: Cart | None
    items: list[CartItem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(item.line.quantity for item in self.items)

    @property
    def currency(self) -> str:
        return next(
            (item.offer.currency for item in self.items if item.offer), settings.SHOP_CURRENCY
        )

    @property
    def subtotal(self) -> Decimal:
        return sum((item.line_total for item in self.items if item.offer), Decimal("0"))

    @property
    def total(self) -> Decimal:
        return self.subtotal

    @property
    def is_physical(self) -> bool:
        return any(item.offer and item.offer.is_physical for item in self.items)

    @property
    def problems(self) -> list[str]:
        return [f"{item.title}: {item.problem}" for item in self.items if item.problem]

    @property
    def is_empty(self) -> bool:
        return not self.items


def offers_for_lines(lines, *, buyer=None) -> dict[tuple[str, str], Offer]:
    """The current offer of every (kind, ref) in `lines` to `buyer` (a user, or None for a
    guest): one `offers()` call per kind."""
    refs_by_kind: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        refs_by_kind[line.kind].append(line.ref)
    found: dict[tuple[str, str], Offer] = {}
    for code, refs in refs_by_kind.items():
        try:
            kind = kind_get(code)
        except LookupError:
            continue
        for ref, offer in kind.offers(sorted(set(refs)), buyer=buyer).items():
            found[(code, ref)] = offer
    return found


def _kind_or_none(code: str) -> LineKind | None:
    try:
        return kind_get(code)
    except LookupError:
        return None


def cart_totals(cart: Cart | None, *, buyer=None) -> CartSummary:
    """The cart's lines with their offers to `buyer` (the visitor: a user, or None for a
    guest), and the totals."""
    if cart is None or cart.pk is None:
        return CartSummary(cart=cart)
    lines = list(cart.lines.all())
    offers = offers_for_lines(lines, buyer=buyer)
    items = [
        CartItem(line=line, offer=offers.get((line.kind, line.ref)), kind=_kind_or_none(line.kind))
        for line in lines
    ]
    return CartSummary(cart=cart, items=items)


def cart_item_count(request) -> int:
    """Units in the visitor's active cart, in one query (the header's mini-cart)."""
    lines = CartLine.objects.filter(cart__status=Cart.Status.ACTIVE)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        lines = lines.filter(cart__user=user)
    else:
        session = getattr(request, "session", None)
        cart_id = session.get(SESSION_CART_KEY) if session is not None else None
        if not cart_id:
            return 0
        lines = lines.filter(cart_id=cart_id, cart__user__isnull=True)
    return lines.aggregate(units=Sum("quantity"))["units"] or 0
