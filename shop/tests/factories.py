"""Factories every app's tests use: `CategoryFactory`, `ProductFactory`, `OrderFactory`,
and the order helpers that go through the services: `order_placed()` (cart → checkout)
and `order_paid()` (then the mock gateway's signed callback through `payment_confirm`)."""

import secrets
import uuid
from datetime import timedelta
from decimal import Decimal

import factory
from django.urls import reverse
from django.utils import timezone

from project.accounts.tests.factories import UserFactory
from project.core.models import OutboxMessage
from shop.models import (
    Cart,
    Category,
    Currency,
    Order,
    OrderLine,
    OrderStatusChange,
    Payment,
    Product,
)
from shop.services.catalog import category_save


class CategoryFactory(factory.django.DjangoModelFactory):
    """Saved through `category_save`, so `path` is right for the tree."""

    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    parent = None
    position = 0

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return category_save(
            name=kwargs["name"],
            slug=kwargs["slug"],
            parent=kwargs.get("parent"),
            position=kwargs.get("position", 0),
        )


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    description = "A thing worth buying."
    price = Decimal("250000")
    currency = Currency.VND
    stock = 10
    active = True
    organization = None
    is_physical = True


class OrderFactory(factory.django.DjangoModelFactory):
    """An unpaid order whose units are reserved, as checkout leaves it, built directly:
    one product line of `quantity` × `unit_price`, with `stock_left` units of the product
    still available besides them. For states the services reach only with time or a
    gateway (overdue orders, late payments); otherwise use `order_placed` / `order_paid`."""

    class Meta:
        model = Order

    user = factory.SubFactory(UserFactory, verified=True)
    # Far from the numbers checkout hands out, and random, so that tests which commit
    # (transaction=True) never collide.
    number = factory.LazyFunction(lambda: f"TS-2026-{900000 + secrets.randbelow(99999):06d}")
    email = factory.LazyAttribute(lambda order: order.user.email)
    status = Order.Status.PENDING_PAYMENT
    currency = "VND"
    idempotency_key = factory.LazyFunction(lambda: secrets.token_hex(8))
    reserved = True
    unit_price = Decimal("250000")
    quantity = 2
    stock_left = 8
    expires_in = timedelta(minutes=30)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        unit_price, quantity = kwargs.pop("unit_price"), kwargs.pop("quantity")
        stock_left, expires_in = kwargs.pop("stock_left"), kwargs.pop("expires_in")
        product = ProductFactory(
            price=unit_price, currency=kwargs["currency"], stock=stock_left + quantity
        )
        Product.objects.filter(pk=product.pk).update(reserved=quantity)
        total = unit_price * quantity
        order = model_class.objects.create(
            *args,
            subtotal=total,
            total=total,
            expires_at=timezone.now() + expires_in,
            **kwargs,
        )
        OrderLine.objects.create(
            order=order,
            kind="product",
            ref=str(product.pk),
            title=product.name,
            unit_price=unit_price,
            quantity=quantity,
            line_total=total,
            is_physical=True,
        )
        return order


def user_cart(user) -> Cart:
    """The user's active cart, created when there is none."""
    cart = Cart.objects.filter(user=user, status=Cart.Status.ACTIVE).first()
    return cart or Cart.objects.create(user=user)


def order_placed(user, *items, delivery_type="pickup", key=None, address=None) -> Order:
    """Place an order for `user` with `items` = (kind, ref, quantity) through the services:
    `cart_add` for each, then `order_place` (unpaid unless free)."""
    from shop.services.cart import cart_add
    from shop.services.checkout import order_place

    cart = user_cart(user)
    for kind, ref, quantity in items:
        cart_add(cart=cart, kind=kind, ref=str(ref), quantity=quantity, user=user)
    return order_place(
        cart=cart,
        user=user,
        idempotency_key=key or uuid.uuid4().hex,
        delivery_type=delivery_type,
        shipping_address=address or {},
        payment_method="mock",
    )


def payment_confirmed(order: Order):
    """Pay `order` through the mock gateway's signed callback, as its sandbox does: a
    payment row, then `payment_confirm`. Returns the callback's result."""
    from shop.payments.mock import mock_callback_params
    from shop.payments.services import payment_confirm

    payment = Payment.objects.create(
        order=order,
        provider="mock",
        reference=f"T{secrets.token_hex(8).upper()}",
        amount=order.total,
        currency=order.currency,
    )
    result = payment_confirm(
        provider_code="mock", params=mock_callback_params(payment=payment, approved=True)
    )
    order.refresh_from_db()
    return result


def order_paid(user, *items, **placed) -> Order:
    """`order_placed`, then paid through `payment_confirm` (free orders are paid already)."""
    order = order_placed(user, *items, **placed)
    if order.status != Order.Status.PAID:
        result = payment_confirmed(order)
        assert result.outcome == "paid", result
    return order


def mock_payment_start(client, order) -> Payment:
    """Sign in as the order's buyer and start paying with the mock provider, as the order
    page does; returns the payment its sandbox page is for."""
    client.force_login(order.user)
    response = client.post(reverse("shop:payment_start", args=[order.number]), {"provider": "mock"})
    assert response.status_code == 302
    payment = order.payments.get()
    assert response["Location"] == reverse("shop:mock_sandbox", args=[payment.reference])
    return payment


# --- what happened to an order ---------------------------------------------------------


def order_expire(order: Order, *, stock_after: int | None = None) -> Order:
    """Let the order expire the way the periodic task does, then optionally sell the
    released stock to someone else."""
    from shop.services.orders import order_expire_overdue

    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    order_expire_overdue()
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELED and not order.reserved
    if stock_after is not None:
        Product.objects.filter(pk=int(order.lines.get().ref)).update(stock=stock_after, reserved=0)
    return order


def paid_changes(order: Order) -> int:
    return OrderStatusChange.objects.filter(order=order, to_status=Order.Status.PAID).count()


def paid_emails(order: Order) -> int:
    return OutboxMessage.objects.filter(
        kind="shop_order_email", payload__order=order.pk, payload__template="paid"
    ).count()
