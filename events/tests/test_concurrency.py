"""Races on PostgreSQL: capacity under 200 concurrent buyers, with a control test that
shows the race exists without the lock, and simultaneous check-ins of one ticket.

PostgreSQL here allows 100 connections (shared with other test runs), so the 200 buyer
threads start together at a Barrier but a semaphore lets at most DB_SLOTS of them hold a
connection at once; each thread opens its connection only inside its slot, closes it when
done, and retries if the server still answers "too many clients". 30 buyers in flight at
the same instant are plenty to show the race (the control test oversells every run).
"""

from __future__ import annotations

import secrets
import threading
import time
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import OperationalError, connection, transaction

from events.models import Attendee, TicketType
from events.services.checkin import ticket_checkin
from project.accounts.models import User
from shop.models import Cart
from shop.services.cart import CartError, cart_add
from shop.services.checkout import order_place

from .factories import TicketTypeFactory, buy, pay

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 200
DB_SLOTS = 30


def run_together(count: int, work) -> list:
    """Start `count` threads at one Barrier; each runs `work(i)` inside a DB slot and
    returns its result (or the exception it raised)."""
    barrier = threading.Barrier(count)
    slots = threading.BoundedSemaphore(DB_SLOTS)
    results: list = [None] * count

    @contextmanager
    def slot():
        with slots:
            try:
                yield
            finally:
                connection.close()

    def target(i):
        barrier.wait()
        for attempt in range(20):
            with slot():
                try:
                    results[i] = work(i)
                    return
                except OperationalError as exc:
                    if "too many clients" not in str(exc) or attempt == 19:
                        results[i] = exc
                        return
                except Exception as exc:  # noqa: BLE001 - reported to the test
                    results[i] = exc
                    return
            time.sleep(0.05 * (attempt + 1))

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


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


def test_200_concurrent_buyers_get_exactly_the_10_tickets_left():
    ticket_type = ten_left()
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

    results = run_together(BUYERS, attempt)

    errors = [result for result in results if isinstance(result, Exception)]
    assert errors == []
    assert results.count("paid") == 10
    assert sum(1 for r in results if str(r).startswith("refused") and "sold out" in r) == 190
    ticket_type.refresh_from_db()
    assert ticket_type.sold_or_held == 50
    assert Attendee.objects.filter(ticket_type=ticket_type, status="paid").count() == 10


def naive_buy(*, ticket_type_id: int, user) -> bool:
    """The bug the lock prevents: read what is left, check, then write, in a transaction
    but without a lock or a conditional UPDATE."""
    with transaction.atomic():
        ticket_type = TicketType.objects.get(pk=ticket_type_id)
        issued = Attendee.objects.filter(ticket_type=ticket_type).count()
        if ticket_type.sold_or_held + issued + 1 > ticket_type.quantity:
            return False
        time.sleep(0.01)  # the time a real request spends between its check and its write
        Attendee.objects.create(ticket_type=ticket_type, buyer=user, name=user.name)
        return True


def test_control_without_the_lock_200_buyers_oversell_the_10_tickets():
    ticket_type = ten_left()
    buyers = buyers_with_carts(BUYERS)

    results = run_together(
        BUYERS, lambda i: naive_buy(ticket_type_id=ticket_type.pk, user=buyers[i][0])
    )

    assert [result for result in results if isinstance(result, Exception)] == []
    sold = Attendee.objects.filter(ticket_type=ticket_type).count()
    print(f"naive read-check-save sold {sold} of 10 tickets")
    assert sold > 10, "the race did not show: the naive version sold only what was left"


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
