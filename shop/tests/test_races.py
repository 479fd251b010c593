"""200 buyers at once for 10 units, on PostgreSQL with real connections.

Each buyer is a thread with its own user, cart and database connection. All 200 wait on a
barrier and are released together. PostgreSQL here allows 100 connections, so a
semaphore lets at most RACE_CONNECTIONS buyers hold a connection at a time — what a
connection pool does in production; every buyer still races the others for the same row.

The control test runs the same crowd through a naive read-check-save written here, to show
the race is real: it sells more than there is.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from project.accounts.models import User
from shop.models import Cart, CartLine, Order, Product, StockMovement
from shop.services.checkout import CheckoutError, order_place
from shop.tests.factories import ProductFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 200
UNITS = 10
# Measured: 200 threads opening connections at once fail with "too many clients" at
# max_connections=100; 40 at a time leaves room for the test's own connection and for
# other test runs on the same server, and still shows the naive path overselling.
RACE_CONNECTIONS = 40


class SoldOut(Exception):
    pass


def crowd(work, count: int = BUYERS) -> tuple[list, list]:
    """Run `work(i)` in `count` threads released together; return (results, errors)."""
    barrier = threading.Barrier(count)
    slots = threading.BoundedSemaphore(RACE_CONNECTIONS)
    results, errors = [], []
    lock = threading.Lock()

    def run(i):
        barrier.wait()
        with slots:
            try:
                outcome = work(i)
            except Exception as exc:  # noqa: BLE001 - reported by the test
                outcome, error = None, exc
            else:
                error = None
            finally:
                connection.close()
        with lock:
            (errors if error is not None else results).append(error or outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


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


def test_200_buyers_for_10_units_make_exactly_10_orders():
    product = ProductFactory(stock=UNITS, is_physical=True)
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

    results, errors = crowd(buy)

    assert errors == []
    assert results.count("ordered") == UNITS
    assert results.count("sold out") == BUYERS - UNITS
    assert Order.objects.count() == UNITS
    product.refresh_from_db()
    assert (product.stock, product.reserved, product.available) == (UNITS, UNITS, 0)
    # Never more reserved than on hand on the way either: each reservation saw one more.
    reserves = StockMovement.objects.filter(product=product, kind="reserve")
    assert reserves.count() == UNITS
    assert sorted(reserves.values_list("reserved_after", flat=True)) == list(range(1, UNITS + 1))


def test_control_naive_read_check_save_oversells():
    product = ProductFactory(stock=UNITS)

    def naive_buy(i):
        with transaction.atomic():
            current = Product.objects.get(pk=product.pk)
            if current.stock < 1:
                raise SoldOut
            current.stock -= 1
            current.save(update_fields=["stock"])
        return "sold"

    results, errors = crowd(naive_buy)

    assert all(isinstance(error, SoldOut) for error in errors)
    sold = results.count("sold")
    assert sold > UNITS, f"the naive path sold {sold}; the race did not show"
