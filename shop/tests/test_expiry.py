"""Expiry without beat: no test here runs the periodic tasks or a sweep. Time passes by
moving `hold_expires_at` / `expires_at` into the past, as a clock would."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from shop.models import CartLine, Order, Payment
from shop.tests.factories import OrderFactory, ProductFactory, payment_confirmed
from shop.tests.kinds import order_for, user_cart

pytestmark = pytest.mark.django_db

PAST = timedelta(minutes=1)


def lapse_holds():
    CartLine.objects.update(hold_expires_at=timezone.now() - PAST)


def lapse_orders():
    Order.objects.update(expires_at=timezone.now() - PAST)


def badges(page: str) -> list[str]:
    """The order status badges on a page."""
    return re.findall(r'data-testid="order-status">([^<]+)<', page)


def add(client, product, quantity):
    return client.post(
        reverse("shop:cart_add"), {"kind": "product", "ref": product.pk, "quantity": quantity}
    )


def test_an_abandoned_guest_hold_on_the_last_units_never_blocks_the_next_buyer(client):
    kit = ProductFactory(name="Tofu65 kit", stock=2)
    guest = Client()
    add(guest, kit, 2)
    page = client.get(kit.get_absolute_url()).content.decode()
    assert "Out of stock" in page and "Add to cart" not in page

    lapse_holds()  # the guest walked away; nothing sweeps

    buyer = UserFactory(verified=True)
    client.force_login(buyer)
    page = client.get(kit.get_absolute_url()).content.decode()
    assert "Out of stock" not in page and "Add to cart" in page
    listing = client.get(reverse("shop:product_list")).content.decode()
    assert "In stock" in listing or "Only 2 left" in listing
    assert add(client, kit, 2).status_code == 302
    order = order_for(buyer)  # checks out the cart filled through the page
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.lines.get().quantity == 2
    kit.refresh_from_db()
    assert (kit.stock, kit.reserved, kit.available) == (2, 2, 0)


def test_the_cached_catalog_does_not_keep_showing_an_expired_hold_as_sold_out(client):
    kit = ProductFactory(name="Tofu65 kit", stock=2)
    add(Client(), kit, 2)
    assert "Out of stock" in client.get(reverse("shop:product_list")).content.decode()

    lapse_holds()

    assert "Out of stock" not in client.get(reverse("shop:product_list")).content.decode()


def test_an_expired_hold_is_not_renewed_when_another_buyer_took_the_units(client):
    kit = ProductFactory(name="Tofu65 kit", stock=2)
    first = UserFactory()
    add_to(first, kit, 2)
    lapse_holds()
    second = UserFactory()
    add_to(second, kit, 2)  # the expired hold does not stand in the way

    client.force_login(first)
    page = client.get(reverse("shop:cart")).content.decode()

    assert "Tofu65 kit is sold out." in page
    line = CartLine.objects.get(cart__user=first)
    assert line.held_quantity == 0


def add_to(user, product, quantity):
    from shop.services.cart import cart_add

    return cart_add(
        cart=user_cart(user), kind="product", ref=str(product.pk), quantity=quantity, user=user
    )


def test_an_unpaid_order_past_pay_by_shows_expired_on_its_page_and_list(client):
    buyer = UserFactory(verified=True)
    kit = ProductFactory(name="Tofu65 kit", stock=2)
    order = order_for(buyer, ("product", kit.pk, 2))
    client.force_login(buyer)
    assert "Pay now" in client.get(order.get_absolute_url()).content.decode()

    lapse_orders()

    listing = client.get(reverse("shop:order_list")).content.decode()
    assert badges(listing) == ["Canceled"]
    page = client.get(order.get_absolute_url()).content.decode()
    assert badges(page) == ["Canceled"]
    assert "Pay now" not in page and "Please pay by" not in page
    assert "expired" in page  # the history says why
    kit.refresh_from_db()
    assert kit.available == 2  # what it held is back on sale


def test_staff_see_an_overdue_order_as_canceled(client):
    buyer = UserFactory(verified=True)
    order = order_for(buyer, ("product", ProductFactory(stock=5).pk, 1))
    lapse_orders()
    client.force_login(UserFactory(roles=[Role.STAFF]))

    page = client.get(reverse("shop:staff_order_list")).content.decode()

    assert order.number in page
    row = page[page.index(order.number) :].split("</tr>")[0]
    assert "Canceled" in row and "Pending payment" not in row
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELED and not order.reserved


def test_an_overdue_order_no_longer_blocks_the_last_units(client):
    kit = ProductFactory(name="Tofu65 kit", stock=2)
    order_for(UserFactory(verified=True), ("product", kit.pk, 2))
    assert "Out of stock" in client.get(kit.get_absolute_url()).content.decode()

    lapse_orders()

    assert "Add to cart" in client.get(kit.get_absolute_url()).content.decode()
    other = UserFactory(verified=True)
    assert order_for(other, ("product", kit.pk, 2)).status == Order.Status.PENDING_PAYMENT


def test_pay_now_on_an_overdue_order_offers_nothing_to_pay(client):
    buyer = UserFactory(verified=True)
    order = order_for(buyer, ("product", ProductFactory(stock=5).pk, 1))
    client.force_login(buyer)
    lapse_orders()

    response = client.post(
        reverse("shop:payment_start", kwargs={"number": order.number}),
        {"provider": "mock"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert f"Order {order.number} has expired. Please place the order again." in page
    assert "Nothing to pay" in page and "Continue to payment" not in page
    assert not Payment.objects.filter(order=order).exists()


def gateway_callback(order: Order) -> str:
    """The payment gateway confirms a payment started before the order's pay-by time: a
    signed callback through the one path every provider uses."""
    return payment_confirmed(order).as_ipn_reply()["RspCode"]


def test_a_payment_for_an_overdue_order_whose_units_are_gone_is_refunded_not_lost():
    order = OrderFactory(stock_left=0)
    lapse_orders()
    # Someone else buys the two units; the order's reservation lapsed with no sweep run.
    order_for(UserFactory(verified=True), ("product", order.lines.get().ref, 2))

    assert gateway_callback(order) == "00"

    order.refresh_from_db()
    payment = order.payments.get()
    assert order.status == Order.Status.CANCELED
    assert payment.status == Payment.Status.UNAPPLIED
    assert order.needs_attention
    assert payment.refunds.exists()  # the money goes back to the buyer


def test_a_payment_for_an_overdue_order_with_units_still_free_is_a_late_payment():
    order = OrderFactory(stock_left=0)
    lapse_orders()

    assert gateway_callback(order) == "00"

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    notes = list(order.history.values_list("to_status", "note"))
    assert ("canceled", "expired") in notes and ("paid", "late payment accepted") in notes
