"""Ticket hoarding: each measured attack, reproduced, now fails. Per-customer caps per
ticket type and per event, the hold limit across unpaid orders, the hold ceiling, and
guests' small holds. The race for the cap runs on PostgreSQL with a control."""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Attendee
from events.services.tickets import TicketError, event_register
from project.accounts.tests.factories import UserFactory
from shop.models import Cart, CartLine, OrderLine
from shop.services.cart import CartError, cart_add
from shop.services.checkout import CheckoutError
from shop.tests.kinds import order_for as shop_order_for
from tests.concurrency import run_together

from .factories import EventFactory, TicketTypeFactory, free_ticket_type, order_for, user_cart

pytestmark = pytest.mark.django_db


def held(ticket_type) -> int:
    ticket_type.refresh_from_db()
    return ticket_type.sold_or_held


def add(client, ticket_type, quantity):
    return client.post(
        reverse("shop:cart_add"),
        {"kind": "ticket", "ref": ticket_type.pk, "quantity": quantity},
        follow=True,
    )


def test_one_customer_cannot_take_30_places_with_3_unpaid_orders():
    ticket_type = TicketTypeFactory(quantity=30, max_per_order=10)
    hoarder = UserFactory(verified=True)

    order_for(user=hoarder, ticket_type=ticket_type, quantity=10)
    with pytest.raises(CartError, match="at most 10 tickets for"):
        order_for(user=hoarder, ticket_type=ticket_type, quantity=10)
    with pytest.raises(CartError, match="you have them all already"):
        order_for(user=hoarder, ticket_type=ticket_type, quantity=1)

    assert held(ticket_type) == 10  # 20 places left for everyone else
    other = UserFactory(verified=True)
    assert order_for(user=other, ticket_type=ticket_type, quantity=10).lines.get().quantity == 10


def test_the_event_cap_counts_every_ticket_type_of_the_event():
    event = EventFactory(max_tickets_per_customer=6)
    adult = TicketTypeFactory(event=event, name="Adult", quantity=50)
    child = TicketTypeFactory(event=event, name="Child", quantity=50)
    parent = UserFactory(verified=True)
    order_for(user=parent, ticket_type=adult, quantity=4)

    with pytest.raises(CartError, match=f"at most 6 tickets for {event.title}; you can add 2"):
        cart_add(cart=user_cart(parent), kind="ticket", ref=str(child.pk), quantity=3, user=parent)
    cart_add(cart=user_cart(parent), kind="ticket", ref=str(child.pk), quantity=2, user=parent)


def test_the_hold_limit_counts_unpaid_orders(settings):
    settings.SHOP_MAX_HOLDS_PER_USER = 2
    buyer = UserFactory(verified=True)
    first, second, third = (TicketTypeFactory() for _ in range(3))
    order_for(user=buyer, ticket_type=first, quantity=1)
    order_for(user=buyer, ticket_type=second, quantity=1)

    with pytest.raises(CartError, match="reserve at most 2 different items"):
        cart_add(cart=user_cart(buyer), kind="ticket", ref=str(third.pk), quantity=1, user=buyer)


def test_five_guest_sessions_cannot_take_50_places(client):
    ticket_type = TicketTypeFactory(quantity=50)
    for _ in range(5):
        guest = Client()
        add(guest, ticket_type, 10)
        add(guest, ticket_type, 2)

    assert held(ticket_type) == 10  # two each, 40 places still on sale
    page = add(Client(), ticket_type, 3).content.decode()
    assert "Sign in to hold more than 2 tickets." in page
    event_page = client.get(ticket_type.event.get_absolute_url()).content.decode()
    assert "Sign in to hold more than 2 tickets" in event_page
    assert "40 left" in event_page


def test_a_guest_hold_is_short(client):
    ticket_type = TicketTypeFactory(quantity=5)
    add(client, ticket_type, 2)
    line = CartLine.objects.get()
    assert line.hold_expires_at <= timezone.now() + timedelta(minutes=5)


def test_reloading_the_cart_never_carries_a_hold_past_its_ceiling(client, settings):
    ticket_type = TicketTypeFactory(quantity=10)
    hoarder = UserFactory(verified=True)
    client.force_login(hoarder)
    add(client, ticket_type, 10)
    line = CartLine.objects.get()
    ceiling = line.hold_started_at + timedelta(minutes=settings.SHOP_HOLD_MAX_MINUTES)
    assert line.hold_expires_at <= ceiling

    # Each reload while the hold lapses renews it, up to the ceiling and never past it.
    CartLine.objects.update(
        hold_started_at=timezone.now() - timedelta(minutes=25),
        hold_expires_at=timezone.now() - timedelta(seconds=1),
    )
    client.get(reverse("shop:cart"))
    line.refresh_from_db()
    assert line.held_quantity == 10
    assert line.hold_expires_at <= line.hold_started_at + timedelta(minutes=30)

    CartLine.objects.update(
        hold_started_at=timezone.now() - timedelta(minutes=31),
        hold_expires_at=timezone.now() - timedelta(seconds=1),
    )
    page = client.get(reverse("shop:cart")).content.decode()

    line.refresh_from_db()
    assert line.held_quantity == 0
    assert "it is no longer reserved" in page
    assert held(ticket_type) == 0  # every place is on sale again
    other = UserFactory(verified=True)
    assert order_for(user=other, ticket_type=ticket_type, quantity=10)


def test_a_reload_does_not_renew_an_expired_hold_someone_else_needs(client):
    ticket_type = TicketTypeFactory(quantity=2)
    first = UserFactory(verified=True)
    client.force_login(first)
    add(client, ticket_type, 2)
    CartLine.objects.update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    second = UserFactory(verified=True)
    order_for(user=second, ticket_type=ticket_type, quantity=2)

    client.get(reverse("shop:cart"))

    assert CartLine.objects.get(cart__user=first).held_quantity == 0
    assert held(ticket_type) == 2  # only the second buyer's order


def test_four_requests_cannot_register_40_free_places(client):
    ticket_type = free_ticket_type(quantity=40, max_per_order=10)
    user = UserFactory(verified=True)
    client.force_login(user)
    url = reverse("events:register", kwargs={"slug": ticket_type.event.slug})

    for attempt in range(4):
        client.post(
            url,
            {"ticket_type": ticket_type.pk, "quantity": 10, "token": f"attempt-{attempt}"},
        )

    registered = Attendee.objects.filter(ticket_type=ticket_type, buyer=user).count()
    assert registered == 10
    assert held(ticket_type) == 10
    page = client.get(ticket_type.event.get_absolute_url()).content.decode()
    assert "30 left" in page


def test_checkout_checks_the_cap_again():
    ticket_type = TicketTypeFactory(quantity=30)
    buyer = UserFactory(verified=True)
    cart_add(cart=user_cart(buyer), kind="ticket", ref=str(ticket_type.pk), quantity=8, user=buyer)
    ticket_type.max_per_customer = 5  # the organizer lowers the cap meanwhile
    ticket_type.save()

    with pytest.raises(CheckoutError, match="at most 5 tickets"):
        shop_order_for(buyer, delivery_type="none")


# --- the race for the cap, on PostgreSQL ----------------------------------------------------

RACERS = 20


def register_retrying(*, user, ticket_type, quantity: int) -> str:
    """What a browser does: find or make the active cart and register; a cart another
    request just checked out is replaced and the request tried again."""
    for _ in range(RACERS * 2):
        cart = Cart.objects.filter(user=user, status=Cart.Status.ACTIVE).first()
        if cart is None:
            try:
                with transaction.atomic():
                    cart = Cart.objects.create(user=user)
            except IntegrityError:  # another request made it first
                cart = None
            if cart is None:
                continue
        try:
            event_register(
                cart=cart,
                user=user,
                ticket_type=ticket_type,
                quantity=quantity,
                idempotency_key=secrets.token_hex(8),
            )
        except TicketError as exc:
            if "cart changed" in str(exc) or "already been checked out" in str(exc):
                continue
            return "refused"
        return "registered"
    return "gave up"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_20_simultaneous_registrations_of_one_customer_stay_within_the_cap():
    ticket_type = free_ticket_type(quantity=100, max_per_order=10)
    user = UserFactory(verified=True)

    results = run_together(
        RACERS,
        lambda i: register_retrying(user=user, ticket_type=ticket_type, quantity=2),
        slots=RACERS,
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert results.count("registered") == 5
    assert Attendee.objects.filter(ticket_type=ticket_type, buyer=user).count() == 10
    assert held(ticket_type) == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_control_without_the_customer_lock_the_cap_is_overrun():
    ticket_type = free_ticket_type(quantity=100, max_per_order=10)
    customer = UserFactory(verified=True)

    results = run_together(
        RACERS, lambda i: naive_register(customer=customer, ticket_type=ticket_type), slots=RACERS
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    registered = results.count("registered") * 2
    print(f"without the lock one customer got {registered} places, cap 10")
    assert registered > ticket_type.max_per_customer


def naive_register(*, customer, ticket_type) -> str:
    """The same count and the same write as `event_register`, but without the lock that
    makes them one step per customer (the cart row): count the customer's places, then
    write an order for 2 more."""
    from shop.models import Order

    with transaction.atomic():
        have = (
            OrderLine.objects.filter(
                order__user=customer, kind="ticket", ref=str(ticket_type.pk)
            ).aggregate(n=Sum("quantity"))["n"]
            or 0
        )
        if have + 2 > ticket_type.max_per_customer:
            return "refused"
        time.sleep(0.01)
        order = Order.objects.create(
            number=f"N-{secrets.token_hex(6)}",
            user=customer,
            email=customer.email,
            currency="VND",
            idempotency_key=secrets.token_hex(8),
        )
        OrderLine.objects.create(
            order=order,
            kind="ticket",
            ref=str(ticket_type.pk),
            title="Place",
            unit_price=0,
            quantity=2,
            line_total=0,
        )
    return "registered"
