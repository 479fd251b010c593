"""Stock writes. A product keeps three numbers apart, as django-oscar does: on hand
(`stock`, num_in_stock), reserved (`reserved`, num_allocated: what carts and unpaid orders
hold) and available (on hand less reserved).

- `stock_reserve` / `stock_release`: a cart or an unpaid order takes or gives back units.
  Only `reserved` changes; the ledger row is in the reservation book.
- `stock_sell`: a paid order takes its reserved units off the shelf (a movement "out").
- `stock_change`: goods in or out (initial stock, refunds); `stock_adjust`: a staff count
  sets on hand.

Low stock is judged on what is available, after sales and adjustments only (never on
reservations), and staff hear about a product at most once per SHOP_LOW_STOCK_ALERT_HOURS.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from project.accounts.models import User
from project.accounts.roles import Role
from project.core.audit import audit_log
from project.core.mail import email_message
from project.core.outbox import outbox_enqueue, outbox_handler
from shop.kinds import NotAvailable, holds_unlocked
from shop.models import Product, StockMovement

from .catalog import stock_moved

Kind = StockMovement.Kind
Ledger = StockMovement.Ledger


def _actor(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _catalog_check(movement: StockMovement, *, available_change: int, threshold: int) -> None:
    """Tell the catalog cache what this write did to the product's availability. For a
    clamped release `before` is an underestimate, which can only add a needless bump."""
    after = max(movement.stock_after - movement.reserved_after, 0)
    stock_moved(before=after - available_change, after=after, threshold=threshold)


def _record(*, product_id: int, ledger: str, kind: str, quantity: int, reason: str, actor, order):
    stock, reserved, threshold = (
        Product.objects.filter(pk=product_id)
        .values_list("stock", "reserved", "low_stock_threshold")
        .get()
    )
    movement = StockMovement.objects.create(
        product_id=product_id,
        ledger=ledger,
        kind=kind,
        quantity=quantity,
        stock_after=stock,
        reserved_after=reserved,
        reason=reason[:255],
        actor=_actor(actor),
        order=order,
    )
    # A reservation's quantity is what it took from (or gave back to) available.
    _catalog_check(movement, available_change=-quantity, threshold=threshold)
    return movement


def _not_available(product_id: int) -> NotAvailable:
    row = Product.objects.filter(pk=product_id).values_list("stock", "reserved", "active").first()
    if row is None:
        return NotAvailable("This product does not exist.", available=0)
    stock, reserved, active = row
    if not active:
        return NotAvailable("This product is no longer on sale.", available=0)
    available = max(stock - reserved, 0)
    return NotAvailable(
        f"Only {available} left in stock." if available else "Out of stock.", available=available
    )


# --- reservations --------------------------------------------------------------------------


@transaction.atomic
def stock_reserve(
    *, product_id: int, quantity: int, reason: str = "", actor=None, order=None
) -> StockMovement:
    """Hold `quantity` units for a cart or an unpaid order.

    Lock: one conditional `UPDATE ... SET reserved = reserved + n WHERE stock - reserved >= n
    AND active`, which PostgreSQL serialises on the product row; no read-check-write.
    Raises `NotAvailable(available=<available now>)`."""
    if quantity < 1:
        raise ValueError("A reservation needs a positive quantity.")
    if holds_unlocked():
        taken = _reserve_unlocked(product_id=product_id, quantity=quantity)
    else:
        taken = Product.objects.filter(
            pk=product_id, active=True, stock__gte=F("reserved") + quantity
        ).update(reserved=F("reserved") + quantity)
    if not taken:
        raise _not_available(product_id)
    movement = _record(
        product_id=product_id,
        ledger=Ledger.RESERVATION,
        kind=Kind.RESERVE,
        quantity=quantity,
        reason=reason or "Reserved for a cart or order",
        actor=actor,
        order=order,
    )
    return movement


def _reserve_unlocked(*, product_id: int, quantity: int) -> bool:
    """The race-control tests' reservation (`shop.kinds.holds_unlocked`): read, check, then
    write what was read plus `quantity`, with no lock. Never used outside them."""
    row = Product.objects.filter(pk=product_id, active=True).values_list("stock", "reserved")
    stock, reserved = row.first() or (0, 0)
    if stock - reserved < quantity:
        return False
    return bool(Product.objects.filter(pk=product_id).update(reserved=reserved + quantity))


@transaction.atomic
def stock_release(
    *, product_id: int, quantity: int, reason: str = "", actor=None, order=None
) -> StockMovement | None:
    """Give back `quantity` reserved units (never below zero). None for a deleted product."""
    if quantity < 1:
        return None
    updated = Product.objects.filter(pk=product_id).update(
        reserved=Greatest(F("reserved") - quantity, Value(0))
    )
    if not updated:
        return None
    movement = _record(
        product_id=product_id,
        ledger=Ledger.RESERVATION,
        kind=Kind.RELEASE,
        quantity=-quantity,
        reason=reason or "Reservation released",
        actor=actor,
        order=order,
    )
    return movement


@transaction.atomic
def stock_sell(
    *, product_id: int, quantity: int, order=None, reason: str = ""
) -> StockMovement | None:
    """A paid order's reserved units leave the shelf: on hand and reserved both fall by
    `quantity`. Lock: the product row (`select_for_update`), which the low-stock check
    reads under."""
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        return None
    available_before = product.available
    product.stock = max(product.stock - quantity, 0)
    product.reserved = max(product.reserved - quantity, 0)
    product.save(update_fields=["stock", "reserved", "updated"])
    movement = StockMovement.objects.create(
        product=product,
        ledger=Ledger.MOVEMENT,
        kind=Kind.OUT,
        quantity=-quantity,
        stock_after=product.stock,
        reserved_after=product.reserved,
        reason=(reason or f"Sold {quantity}")[:255],
        order=order,
    )
    _low_stock_check(product=product)
    _catalog_check(
        movement,
        available_change=product.available - available_before,
        threshold=product.low_stock_threshold,
    )
    return movement


# --- goods on hand -------------------------------------------------------------------------


@transaction.atomic
def stock_change(
    *,
    product_id: int,
    delta: int,
    kind: str,
    reason: str,
    actor=None,
    order=None,
) -> StockMovement:
    """Goods in (positive `delta`) or out (negative) of the shelf, recorded as a movement.

    Lock: the product row (`select_for_update`). Taking more than is available raises
    `NotAvailable`: what carts and unpaid orders hold cannot be taken out from under them."""
    if delta == 0:
        raise ValueError("A stock change needs a non-zero delta.")
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise NotAvailable("This product does not exist.", available=0)
    if delta < 0 and product.available < -delta:
        raise _not_available(product_id)
    product.stock += delta
    product.save(update_fields=["stock", "updated"])
    movement = StockMovement.objects.create(
        product=product,
        ledger=Ledger.MOVEMENT,
        kind=kind,
        quantity=delta,
        stock_after=product.stock,
        reserved_after=product.reserved,
        reason=reason[:255],
        actor=_actor(actor),
        order=order,
    )
    if delta < 0:
        _low_stock_check(product=product)
    _catalog_check(movement, available_change=delta, threshold=product.low_stock_threshold)
    return movement


@transaction.atomic
def stock_adjust(*, product: Product, new_stock: int, reason: str, actor) -> StockMovement | None:
    """Set a product's on-hand stock to a counted quantity (staff). What carts and unpaid
    orders reserve is not touched: those units are on the shelf too. Lock: the product row
    (`select_for_update`), so a sale in between is not overwritten. Returns None when the
    count matches the stock on hand already."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the stock changes."})
    if new_stock is None or new_stock < 0:
        raise ValidationError({"new_stock": "Stock cannot be negative."})
    locked = Product.objects.select_for_update().get(pk=product.pk)
    delta = new_stock - locked.stock
    if delta == 0:
        return None
    locked.stock = new_stock
    locked.save(update_fields=["stock", "updated"])
    movement = StockMovement.objects.create(
        product=locked,
        ledger=Ledger.MOVEMENT,
        kind=Kind.ADJUST,
        quantity=delta,
        stock_after=new_stock,
        reserved_after=locked.reserved,
        reason=reason[:255],
        actor=_actor(actor),
    )
    audit_log(
        actor=actor,
        action="product.stock",
        obj=locked,
        data={"from": new_stock - delta, "to": new_stock, "reason": movement.reason},
    )
    product.stock = new_stock
    product.reserved = locked.reserved
    _low_stock_check(product=locked)
    _catalog_check(movement, available_change=delta, threshold=locked.low_stock_threshold)
    return movement


# --- low stock -----------------------------------------------------------------------------


def _low_stock_check(*, product: Product) -> None:
    """E-mail the staff when what is available is at or below the product's threshold,
    at most once per SHOP_LOW_STOCK_ALERT_HOURS. The caller holds the product row lock, so
    two sales at once cannot both see the alert as due."""
    if product.available > product.low_stock_threshold:
        return
    now = timezone.now()
    period = timedelta(hours=settings.SHOP_LOW_STOCK_ALERT_HOURS)
    last = product.low_stock_alerted_at
    if last is not None and last > now - period:
        return
    Product.objects.filter(pk=product.pk).update(low_stock_alerted_at=now)
    product.low_stock_alerted_at = now
    low_stock_alert_send(product_id=product.pk)


LOW_STOCK_EMAIL = "shop_low_stock_email"


def low_stock_alert_send(*, product_id: int) -> None:
    """Queue the low-stock e-mail to the staff (an outbox row in the caller's transaction,
    rendered when it is sent)."""
    outbox_enqueue(kind=LOW_STOCK_EMAIL, payload={"product": product_id})


@outbox_handler(LOW_STOCK_EMAIL)
def _low_stock_alert_deliver(payload: dict) -> None:
    product = Product.objects.select_related("category").get(pk=payload["product"])
    recipients = list(
        User.objects.filter(groups__name=Role.STAFF, is_active=True)
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        return
    context = {
        "product": product,
        "site_url": settings.SITE_URL,
        "stock_url": settings.SITE_URL + _stock_url(product),
    }
    subject = (
        f"Out of stock: {product.name}"
        if product.available == 0
        else f"Low stock: {product.name} ({product.available} available)"
    )
    message = email_message(
        subject=subject,
        body=render_to_string("shop/staff/email/low_stock.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    message.attach_alternative(
        render_to_string("shop/staff/email/low_stock.html", context), "text/html"
    )
    message.send()


def _stock_url(product: Product) -> str:
    return reverse("shop:staff_stock") + f"?product={product.pk}"
