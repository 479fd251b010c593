"""Demo orders for customer@tessera.test: one waiting for payment, one paid, one shipped
and one canceled, made through the same services as real orders. Skipped when the
customer already has orders."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from project.accounts.models import User
from shop.currency import shop_currency
from shop.models import Cart, Order, Payment, Product
from shop.services.cart import cart_add
from shop.services.checkout import order_place
from shop.services.orders import order_cancel, order_pay, order_transition

CUSTOMER = "customer@tessera.test"
ADDRESS = {
    "recipient": "Demo Customer",
    "phone": "+84 90 000 0000",
    "line1": "12 Nguyen Hue",
    "line2": "Floor 3",
    "city": "Ho Chi Minh City",
    "postcode": "700000",
    "country": "VN",
}


def _place(customer, items, *, delivery_type="delivery") -> Order:
    cart = Cart.objects.filter(user=customer, status=Cart.Status.ACTIVE).first()
    if cart is None:
        cart = Cart.objects.create(user=customer)
    for product, quantity in items:
        cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=quantity, user=customer)
    return order_place(
        cart=cart,
        user=customer,
        idempotency_key=f"demo-{secrets.token_hex(8)}",
        delivery_type=delivery_type,
        shipping_address=ADDRESS if delivery_type == "delivery" else {},
        payment_method="mock",
    )


def _pay(order: Order) -> None:
    """Pay the way an approved mock payment does."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        payment = Payment.objects.create(
            order=order,
            provider="mock",
            reference=f"DEMO{secrets.token_hex(6).upper()}",
            amount=order.total,
            currency=order.currency,
            status=Payment.Status.SUCCEEDED,
            confirmed_at=timezone.now(),
        )
        order_pay(order=order, payment=payment)


def seed(*, out) -> None:
    customer = User.objects.filter(email=CUSTOMER).first()
    if customer is None:
        out.write("orders: no demo customer, skipped")
        return
    if Order.objects.filter(user=customer).exists():
        out.write("orders: the demo customer has orders already")
        return
    products = list(
        Product.objects.filter(
            active=True, stock__gte=F("reserved") + 5, currency=shop_currency()
        ).order_by("pk")[:5]
    )
    if len(products) < 5:
        out.write("orders: not enough products in stock, skipped")
        return

    _place(customer, [(products[0], 1)], delivery_type="pickup")  # waits for payment
    paid = _place(customer, [(products[1], 2), (products[2], 1)])
    _pay(paid)
    shipped = _place(customer, [(products[3], 1)])
    _pay(shipped)
    order_transition(order=shipped, to_status=Order.Status.SHIPPED, note="Tracking VN-DEMO-001")
    canceled = _place(customer, [(products[4], 1)], delivery_type="pickup")
    order_cancel(order=canceled, actor=customer)
    out.write("orders: 4 for customer@tessera.test (pending payment, paid, shipped, canceled)")
