"""The reservation module with a composite line (the test-only bundle kind): a cart merge
that cannot hold a bundle leaves none of its parts reserved, an order created without a
cart (a renewal), per-buyer offers, configurations as lines, and a kind refusing a refund."""

from __future__ import annotations

from decimal import Decimal

import pytest

from project.accounts.tests.factories import UserFactory
from shop.kinds import LineKind, Offer, RefundRefused, kind_register, kind_unregister
from shop.models import Cart, CartLine, Order, Product
from shop.services.cart import CartError, cart_add, cart_merge
from shop.services.checkout import OrderItem, order_create
from shop.services.refunds import RefundError, order_refund
from shop.tests.factories import ProductFactory
from shop.tests.kinds import pay
from tests.bundles.models import Bundle, BundlePart

pytestmark = pytest.mark.django_db


def bundle_of(*parts: tuple[Product, int], for_user=None, title="Switch tester") -> Bundle:
    bundle = Bundle.objects.create(title=title, price=Decimal("250000"), for_user=for_user)
    for product, quantity in parts:
        BundlePart.objects.create(bundle=bundle, product=product, quantity=quantity)
    return bundle


def reserved(product: Product) -> int:
    return Product.objects.values_list("reserved", flat=True).get(pk=product.pk)


def two_part_bundle(*, second_stock: int) -> tuple[Bundle, Product, Product]:
    """A bundle of two products; the one the reservation module takes first has plenty."""
    first, second = sorted(
        (ProductFactory(stock=10), ProductFactory(stock=second_stock)),
        key=lambda product: str(product.pk),
    )
    return bundle_of((first, 1), (second, 1)), first, second


def merge_guest_line(bundle: Bundle, *, quantity: int) -> tuple[list[str], Cart]:
    """Sign in with a guest cart holding `quantity` bundles whose hold lapsed (put there
    while the parts were still free) into a user's cart; the messages and the user cart."""
    user = UserFactory()
    user_cart = Cart.objects.create(user=user)
    guest_cart = Cart.objects.create(session_key="guest")
    CartLine.objects.create(
        cart=guest_cart,
        kind="bundle",
        ref=str(bundle.pk),
        quantity=quantity,
        data={"title": bundle.title, "currency": "VND"},
    )
    return cart_merge(guest_cart=guest_cart, user_cart=user_cart, user=user), user_cart


def test_merging_a_bundle_whose_second_part_sold_out_reserves_none_of_it():
    bundle, first, second = two_part_bundle(second_stock=0)

    messages, user_cart = merge_guest_line(bundle, quantity=2)

    assert messages == ["Switch tester is sold out and was not added to your cart."]
    assert not user_cart.lines.exists()
    assert (reserved(first), reserved(second)) == (0, 0)


def test_merging_keeps_what_both_parts_can_give():
    bundle, first, second = two_part_bundle(second_stock=1)

    messages, user_cart = merge_guest_line(bundle, quantity=3)

    assert messages == ["Only 1 of Switch tester could be kept in your cart (you asked for 3)."]
    line = user_cart.lines.get()
    assert (line.quantity, line.held_quantity) == (1, 1)
    assert (reserved(first), reserved(second)) == (1, 1)


def test_a_renewal_creates_an_unpaid_order_without_a_cart():
    bundle, first, second = two_part_bundle(second_stock=5)
    user = UserFactory()

    def renew():
        return order_create(
            user=user,
            items=[OrderItem("bundle", str(bundle.pk), 2)],
            idempotency_key="renewal-2027-01",
            delivery_type="pickup",
        )

    order = renew()

    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.total == Decimal("500000")
    assert not Cart.objects.filter(user=user).exists()
    assert (reserved(first), reserved(second)) == (2, 2)
    assert renew().pk == order.pk  # run twice, one order and one reservation
    assert (reserved(first), reserved(second)) == (2, 2)


def test_a_bundle_quoted_for_one_buyer_is_sold_to_that_buyer_only():
    product = ProductFactory(stock=5)
    buyer, other = UserFactory(), UserFactory()
    bundle = bundle_of((product, 1), for_user=buyer)

    with pytest.raises(CartError, match="not on sale"):
        cart_add(
            cart=Cart.objects.create(user=other),
            kind="bundle",
            ref=str(bundle.pk),
            quantity=1,
            user=other,
        )
    line = cart_add(
        cart=Cart.objects.create(user=buyer),
        kind="bundle",
        ref=str(bundle.pk),
        quantity=1,
        user=buyer,
    )

    assert line.held_quantity == 1
    assert reserved(product) == 1


def test_the_same_configuration_twice_is_one_line_another_is_a_second_line():
    product = ProductFactory(stock=10)
    user = UserFactory()
    cart = Cart.objects.create(user=user)
    one = bundle_of((product, 1), title="One switch")
    two = bundle_of((product, 2), title="Two switches")

    for ref in (one.pk, one.pk, two.pk):
        cart_add(cart=cart, kind="bundle", ref=str(ref), quantity=1, user=user)

    assert sorted(cart.lines.values_list("data__title", "quantity")) == [
        ("One switch", 2),
        ("Two switches", 1),
    ]
    assert reserved(product) == 4


class _DoneJobKind(LineKind):
    """A service line whose work is done once paid (as a completed boost): no stock, and
    its goods cannot be taken back."""

    code = "done_job"
    label = "Job"
    holds = False

    def offers(self, refs, *, buyer=None):
        return {
            ref: Offer(title="Rank boost", unit_price=Decimal("90000"), currency="VND")
            for ref in refs
        }

    def refund(self, *, order_line, quantity, actor=None):
        raise RefundRefused("This boost is completed; it cannot be refunded.")


@pytest.fixture
def done_job_kind():
    kind_register(_DoneJobKind())
    yield
    kind_unregister(_DoneJobKind.code)


def test_a_kind_that_refuses_a_refund_stops_it_with_its_message(done_job_kind):
    product = ProductFactory(stock=5)
    order = order_create(
        user=UserFactory(),
        items=[OrderItem("done_job", "quote-1", 1), OrderItem("product", str(product.pk), 1)],
        idempotency_key="boost-1",
        delivery_type="pickup",
    )
    pay(order)

    with pytest.raises(RefundError, match="This boost is completed; it cannot be refunded."):
        order_refund(order=order, actor=UserFactory(), reason="Asked for it")

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert not order.refunds.exists()
    assert Product.objects.values_list("stock", flat=True).get(pk=product.pk) == 4
