"""Races on PostgreSQL (tests/concurrency.py): capacity under 200 concurrent buyers, with a
control that runs the same cart and checkout with only the lock switched off (the ticket
type's conditional UPDATE becomes read, check, write) and oversells, and simultaneous
check-ins of one ticket.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

import pytest

from events.models import Attendee, TicketType
from events.services.checkin import ticket_checkin
from project.accounts.models import User
from shop.models import Cart
from shop.services.cart import CartError, cart_add
from shop.services.checkout import order_place
from tests.concurrency import errors, holds_unlocked, run_together

from .factories import TicketTypeFactory, buy, pay

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 200


def buyers_with_carts(count: int) -> list[tuple[User, Cart]]:
    users = User.objects.bulk_create(
        [
            User(email=f"buyer{i}-{secrets.token_hex(3)}@example.com", name=f"Buyer {i}")
            for i in range(count)
        ]
    )
    carts = Cart.objects.bulk_create([Cart(user=user) for user in users])
    return list(zip(users, carts, strict=True))


def ten_left() -> TicketType:
    """A ticket type of 50 with 40 already gone: 10 left."""
    return TicketTypeFactory(quantity=50, sold_or_held=40, price=Decimal("150000"))


def buyer_crowd(ticket_type: TicketType) -> list:
    """Each buyer adds one ticket to their cart, checks out and pays, all at once."""
    buyers = buyers_with_carts(BUYERS)

    def attempt(i):
        user, cart = buyers[i]
        try:
            cart_add(cart=cart, kind="ticket", ref=str(ticket_type.pk), quantity=1, user=user)
        except CartError as exc:
            return f"refused: {exc}"
        order = order_place(
            cart=cart,
            user=user,
            idempotency_key=secrets.token_hex(8),
            delivery_type="none",
            shipping_address=None,
            payment_method="mock",
        )
        return pay(order).outcome

    return run_together(BUYERS, attempt)


def test_200_concurrent_buyers_get_exactly_the_10_tickets_left():
    ticket_type = ten_left()

    results = buyer_crowd(ticket_type)

    assert errors(results) == []
    print(f"with the lock: {results.count('paid')} paid for 10 tickets left")
    assert results.count("paid") == 10
    assert sum(1 for r in results if str(r).startswith("refused") and "sold out" in r) == 190
    ticket_type.refresh_from_db()
    assert ticket_type.sold_or_held == 50
    assert Attendee.objects.filter(ticket_type=ticket_type, status="paid").count() == 10


def test_control_the_same_purchase_without_the_lock_oversells_the_10_tickets(settings):
    ticket_type = ten_left()

    with holds_unlocked(settings):
        results = buyer_crowd(ticket_type)

    assert errors(results) == []
    sold = Attendee.objects.filter(ticket_type=ticket_type).count()
    print(f"without the lock: {sold} tickets issued of 10 left")
    assert sold == results.count("paid")
    assert sold > 10, "the race did not show: the unlocked path sold only what was left"


def test_two_phones_scanning_one_code_at_once_check_it_in_once():
    ticket_type = TicketTypeFactory()
    buyer, door = buyers_with_carts(2)
    buy(user=buyer[0], ticket_type=ticket_type)
    ticket = Attendee.objects.get(ticket_type=ticket_type)
    organization = ticket_type.event.organization

    def scan(i):
        return ticket_checkin(organization=organization, code=ticket.code, actor=door[0]).outcome

    results = run_together(10, scan)

    assert sorted(results) == ["already"] * 9 + ["checked_in"]
    ticket.refresh_from_db()
    assert ticket.status == Attendee.Status.CHECKED_IN
