"""200 buyers at once for 10 units, on PostgreSQL with real connections
(tests/concurrency.py): each buyer is a thread with its own user, cart and connection, all
released together.

The control runs the same crowd through the same `order_place` with only the lock switched
off (the product's conditional UPDATE becomes read, check, write), to show the race is real:
it sells more than there is.
"""

from __future__ import annotations

import pytest

from project.accounts.models import User
from shop.models import Cart, CartLine, Order, Product, StockMovement
from shop.services.checkout import CheckoutError, order_place
from shop.tests.factories import ProductFactory
from tests.concurrency import errors, holds_unlocked, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 200
UNITS = 10


def buyers_with_carts(product: Product) -> list[tuple[User, Cart]]:
    users = User.objects.bulk_create(
        [User(email=f"buyer{i}@example.com", name=f"Buyer {i}") for i in range(BUYERS)]
    )
    carts = Cart.objects.bulk_create([Cart(user=user) for user in users])
    # One unit each, with no hold: order_place itself must reserve the stock.
    CartLine.objects.bulk_create(
        [
            CartLine(
                cart=cart,
                kind="product",
                ref=str(product.pk),
                quantity=1,
                data={"title": product.name, "currency": product.currency},
            )
            for cart in carts
        ]
    )
    return list(zip(users, carts, strict=True))


def checkout_crowd(product: Product) -> list:
    buyers = buyers_with_carts(product)

    def buy(i):
        user, cart = buyers[i]
        try:
            order_place(
                cart=cart,
                user=user,
                idempotency_key=f"race-{i}",
                delivery_type="pickup",
                shipping_address={},
                payment_method="mock",
            )
        except CheckoutError:
            return "sold out"
        return "ordered"

    return run_together(BUYERS, buy)


def test_200_buyers_for_10_units_make_exactly_10_orders():
    product = ProductFactory(stock=UNITS, is_physical=True)

    results = checkout_crowd(product)

    assert errors(results) == []
    print(f"with the lock: {results.count('ordered')} orders for {UNITS} units")
    assert results.count("ordered") == UNITS
    assert results.count("sold out") == BUYERS - UNITS
    assert Order.objects.count() == UNITS
    product.refresh_from_db()
    assert (product.stock, product.reserved, product.available) == (UNITS, UNITS, 0)
    # Never more reserved than on hand on the way either: each reservation saw one more.
    reserves = StockMovement.objects.filter(product=product, kind="reserve")
    assert reserves.count() == UNITS
    assert sorted(reserves.values_list("reserved_after", flat=True)) == list(range(1, UNITS + 1))


def test_control_the_same_checkout_without_the_lock_oversells(settings):
    product = ProductFactory(stock=UNITS, is_physical=True)

    with holds_unlocked(settings):
        results = checkout_crowd(product)

    assert errors(results) == []
    ordered = Order.objects.count()
    print(f"without the lock: {ordered} orders for {UNITS} units")
    assert results.count("ordered") == ordered
    assert ordered > UNITS, f"the unlocked checkout placed {ordered}; the race did not show"
