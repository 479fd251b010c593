"""Test support: a cart-line kind that lives only in the tests (workshop seats), and
helpers to place and pay orders through the services.

The seat kind proves the contract works for a kind the shop knows nothing about. Seats are digital
(no address), limited (held while in a cart) and kept in memory, so tests that use it
must not rely on a rolled-back transaction giving seats back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from shop.kinds import LineKind, NotAvailable, Offer, kind_register, kind_unregister


@dataclass
class Seat:
    title: str
    price: Decimal
    available: int
    currency: str = "VND"


@dataclass
class SeatKind(LineKind):
    code = "seat"
    label = "Workshop seat"

    seats: dict[str, Seat] = field(default_factory=dict)
    offers_calls: int = 0
    fulfilled: list[int] = field(default_factory=list)
    refunded: list[tuple[int, int]] = field(default_factory=list)

    def offers(self, refs, *, buyer=None):
        self.offers_calls += 1
        return {
            ref: Offer(
                title=seat.title,
                unit_price=seat.price,
                currency=seat.currency,
                available=seat.available,
                is_physical=False,
            )
            for ref, seat in self.seats.items()
            if ref in refs
        }

    def hold(self, *, ref, quantity, user=None):
        seat = self.seats.get(ref)
        if seat is None:
            raise NotAvailable("This workshop is not on sale.", available=0)
        if seat.available < quantity:
            raise NotAvailable(f"Only {seat.available} seats left.", available=seat.available)
        seat.available -= quantity

    def release(self, *, ref, quantity, reason="", actor=None):
        self.seats[ref].available += quantity

    def fulfil(self, *, order_line):
        self.fulfilled.append(order_line.pk)

    def refund(self, *, order_line, quantity, actor=None):
        self.refunded.append((order_line.pk, quantity))
        self.seats[order_line.ref].available += quantity


def seat_kind_install(**seats: Seat) -> SeatKind:
    kind = SeatKind(seats=dict(seats))
    kind_register(kind)
    return kind


def seat_kind_remove() -> None:
    kind_unregister(SeatKind.code)


# --- placing and paying ----------------------------------------------------------------

# Placing lives in shop/tests/factories.py; the older names stay importable from here.
from shop.tests.factories import order_placed as order_for  # noqa: E402, F401
from shop.tests.factories import user_cart  # noqa: E402, F401


def pay(order, *, provider="mock"):
    """Pay an order straight through `order_pay` (lock, succeeded payment row), for tests
    of `order_pay` itself and for providers the tests cannot sign a callback for; the
    gateway's path is `shop.tests.factories.order_paid`."""
    import uuid

    from django.db import transaction
    from django.utils import timezone

    from shop.models import Order, Payment
    from shop.services.orders import order_pay

    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        payment = Payment.objects.create(
            order=locked,
            provider=provider,
            reference=uuid.uuid4().hex[:20].upper(),
            amount=locked.total,
            currency=locked.currency,
            status=Payment.Status.SUCCEEDED,
            confirmed_at=timezone.now(),
        )
        order_pay(order=locked, payment=payment)
    order.refresh_from_db()
    return payment
