"""The cart-line kind contract (shop/kinds.py), checked for every registered kind through
the core's reservation module: products, tickets and the test-only composite "bundle" kind
(tests/bundles: a frozen row listing product parts).

A new kind registers itself and must add a maker to SELLABLE; the first test fails until it
does."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from events.models import Attendee
from events.tests.factories import TicketTypeFactory
from project.accounts.tests.factories import UserFactory
from shop.kinds import kind_get, kinds_registered
from shop.models import Product, StockMovement
from shop.services.checkout import OrderItem, order_create
from shop.services.refunds import order_refund
from shop.services.reservations import (
    Item,
    PartsNotAvailable,
    line_parts,
    lines_fulfil,
    parts_hold,
    parts_release,
)
from shop.tests.factories import ProductFactory
from shop.tests.kinds import pay
from tests.bundles.models import Bundle, BundlePart

pytestmark = pytest.mark.django_db

PRICE = Decimal("100000")


def _product() -> str:
    return str(ProductFactory(stock=5, price=PRICE, is_physical=False).pk)


def _ticket() -> str:
    return str(TicketTypeFactory(quantity=5, price=PRICE).pk)


def _bundle() -> str:
    """One of a 10-stock product and two of a 6-stock one: 3 bundles available. The part
    the reservation module takes first is the plentiful one, so a refused hold of 4 has
    something to give back."""
    first, second = sorted(
        (ProductFactory(price=PRICE), ProductFactory(price=PRICE)),
        key=lambda product: str(product.pk),  # the (kind, ref) order holds are taken in
    )
    Product.objects.filter(pk=first.pk).update(stock=10)
    Product.objects.filter(pk=second.pk).update(stock=6)
    bundle = Bundle.objects.create(title="Switch tester bundle", price=PRICE)
    BundlePart.objects.create(bundle=bundle, product=first, quantity=1)
    BundlePart.objects.create(bundle=bundle, product=second, quantity=2)
    return str(bundle.pk)


def _goods_out(order) -> int:
    return StockMovement.objects.filter(order=order, kind=StockMovement.Kind.OUT).count()


def _tickets_out(order) -> int:
    return Attendee.objects.filter(order_line__order=order).count()


SELLABLE = {"product": _product, "ticket": _ticket, "bundle": _bundle}
# What a paid order of the kind delivered, to count.
DELIVERED = {"product": _goods_out, "ticket": _tickets_out, "bundle": _goods_out}


def test_every_registered_kind_has_a_maker_here():
    assert set(kinds_registered()) == set(SELLABLE)


@pytest.fixture(params=sorted(SELLABLE))
def sellable(request):
    """(kind code, ref) of something on sale with a few units left."""
    return request.param, SELLABLE[request.param]()


def availability(code: str, ref: str) -> dict:
    """What is available of the line and of each of its parts."""
    found = {(code, ref): kind_get(code).offer(ref).available}
    for part in line_parts(code, ref, 1):
        found[(part.kind, part.ref)] = kind_get(part.kind).offer(part.ref).available
    return found


def test_hold_then_release_leaves_availability_unchanged(sellable):
    code, ref = sellable
    before = availability(code, ref)

    parts_hold([Item(code, ref, 2)])
    assert availability(code, ref)[(code, ref)] == before[(code, ref)] - 2
    parts_release([Item(code, ref, 2)], reason="test")

    assert availability(code, ref) == before


def test_a_refused_hold_changes_nothing(sellable):
    code, ref = sellable
    before = availability(code, ref)
    too_many = before[(code, ref)] + 1

    with pytest.raises(PartsNotAvailable) as refused:
        parts_hold([Item(code, ref, too_many)])

    assert refused.value.failures == {(code, ref): before[(code, ref)]}
    assert availability(code, ref) == before


def _paid_order(code: str, ref: str, quantity: int = 2):
    user = UserFactory()
    order = order_create(
        user=user,
        items=[OrderItem(code, ref, quantity)],
        idempotency_key=uuid.uuid4().hex,
        delivery_type="pickup",
    )
    pay(order)
    return order


def test_fulfil_twice_equals_fulfil_once(sellable):
    code, ref = sellable
    order = _paid_order(code, ref)
    once = availability(code, ref), DELIVERED[code](order)
    assert once[1] > 0

    lines_fulfil(list(order.lines.all()))

    assert (availability(code, ref), DELIVERED[code](order)) == once


def test_refund_restores_availability(sellable):
    code, ref = sellable
    before = availability(code, ref)
    order = _paid_order(code, ref)
    assert availability(code, ref)[(code, ref)] == before[(code, ref)] - 2

    order_refund(order=order, actor=UserFactory(), reason="Changed their mind")

    assert availability(code, ref) == before
