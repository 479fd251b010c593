"""Stock writes. Every change of a product's sellable stock goes through `stock_change`
(or `stock_adjust` for staff counts) and leaves a `StockMovement` row with its reason and
actor. Low-stock alerts go to the staff through the outbox when stock crosses the
product's threshold."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse

from project.accounts.models import User
from project.accounts.roles import Role
from project.core.audit import audit_log
from project.core.mail import email_message
from project.core.outbox import email_enqueue
from shop.kinds import NotAvailable
from shop.models import Product, StockMovement

from .catalog import catalog_version_bump


@transaction.atomic
def stock_change(
    *,
    product_id: int,
    delta: int,
    kind: str,
    reason: str,
    actor=None,
    order=None,
    require_available: bool = True,
) -> StockMovement:
    """Add `delta` (negative to take) to a product's stock and record it.

    Lock: one conditional `UPDATE ... SET stock = stock + delta WHERE pk = ? AND stock >=
    -delta [AND active]`, which PostgreSQL serialises on the row; no read-check-write.
    Taking more than there is raises `NotAvailable(available=<current stock>)`.
    `require_available` also refuses inactive products when taking stock."""
    if delta == 0:
        raise ValueError("A stock change needs a non-zero delta.")
    rows = Product.objects.filter(pk=product_id)
    if delta < 0:
        rows = rows.filter(stock__gte=-delta)
        if require_available:
            rows = rows.filter(active=True)
    updated = rows.update(stock=F("stock") + delta)
    if not updated:
        current = Product.objects.filter(pk=product_id).values_list("stock", "active").first()
        if current is None:
            raise NotAvailable("This product does not exist.", available=0)
        stock, active = current
        if not active and require_available:
            raise NotAvailable("This product is no longer on sale.", available=0)
        raise NotAvailable(
            f"Only {stock} left in stock." if stock else "Out of stock.", available=stock
        )
    product = Product.objects.only("pk", "name", "stock", "low_stock_threshold").get(pk=product_id)
    movement = StockMovement.objects.create(
        product_id=product_id,
        kind=kind,
        quantity=delta,
        stock_after=product.stock,
        reason=reason[:255],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        order=order,
    )
    _low_stock_check(product=product, before=product.stock - delta)
    catalog_version_bump()
    return movement


@transaction.atomic
def stock_adjust(*, product: Product, new_stock: int, reason: str, actor) -> StockMovement | None:
    """Set a product's stock to a counted quantity (staff). Lock: `select_for_update` on
    the product row, so a sale in between is not overwritten. Returns None when the count
    matches the stock already."""
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
        kind=StockMovement.Kind.ADJUST,
        quantity=delta,
        stock_after=new_stock,
        reason=reason[:255],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(
        actor=actor,
        action="product.stock",
        obj=locked,
        data={"from": new_stock - delta, "to": new_stock, "reason": movement.reason},
    )
    product.stock = new_stock
    _low_stock_check(product=locked, before=new_stock - delta)
    catalog_version_bump()
    return movement


def _low_stock_check(*, product: Product, before: int) -> None:
    """E-mail the staff once per crossing: only when stock goes from above the threshold
    to at or below it. Refills above the threshold re-arm the alert."""
    threshold = product.low_stock_threshold
    if before > threshold >= product.stock:
        low_stock_alert_send(product_id=product.pk)


def low_stock_alert_send(*, product_id: int) -> None:
    """Queue the low-stock e-mail to every staff member (outbox, sent after commit)."""
    product = Product.objects.select_related("category").get(pk=product_id)
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
        if product.stock == 0
        else f"Low stock: {product.name} ({product.stock} left)"
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
    email_enqueue(message=message)


def _stock_url(product: Product) -> str:
    return reverse("shop:staff_stock") + f"?product={product.pk}"
