"""Checkouts whose lines need the same products by different routes (a bundle of one, the
other as a product line) on PostgreSQL, all at once (tests/concurrency.py). Line by line,
one buyer would lock A then B and the other B then A; the reservation module merges every
part and takes them in one (kind, ref) order, so no checkout deadlocks."""

from __future__ import annotations

import pytest

from project.accounts.models import User
from shop.models import Cart, CartLine, Order, Product
from shop.services.checkout import order_place
from shop.tests.factories import ProductFactory
from tests.bundles.models import Bundle, BundlePart
from tests.concurrency import errors, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 40


def bundle_of(product: Product) -> Bundle:
    bundle = Bundle.objects.create(title=f"Bundle of {product.name}")
    BundlePart.objects.create(bundle=bundle, product=product, quantity=1)
    return bundle


def test_crossing_checkouts_of_bundles_and_products_never_deadlock():
    a, b = sorted((ProductFactory(stock=100), ProductFactory(stock=100)), key=lambda p: str(p.pk))
    # Each cart's lines sort bundle first: one cart's bundle holds A, the other's holds B.
    crossing = [
        (("bundle", bundle_of(a)), ("product", b)),
        (("bundle", bundle_of(b)), ("product", a)),
    ]
    users = User.objects.bulk_create(
        [User(email=f"crossing{i}@example.com") for i in range(BUYERS)]
    )
    carts = Cart.objects.bulk_create([Cart(user=user) for user in users])
    CartLine.objects.bulk_create(
        [
            CartLine(
                cart=cart,
                kind=kind,
                ref=str(thing.pk),
                quantity=1,
                data={"title": str(thing), "currency": "VND"},
            )
            for i, cart in enumerate(carts)
            for kind, thing in crossing[i % 2]
        ]
    )

    def checkout(i):
        return order_place(
            cart=carts[i],
            user=users[i],
            idempotency_key=f"crossing-{i}",
            delivery_type="pickup",
            shipping_address={},
            payment_method="mock",
        ).status

    results = run_together(BUYERS, checkout)

    assert errors(results) == []
    assert Order.objects.count() == BUYERS
    assert list(Product.objects.filter(pk__in=[a.pk, b.pk]).values_list("reserved", flat=True)) == [
        BUYERS,
        BUYERS,
    ]
