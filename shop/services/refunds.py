"""Refunds of paid orders, full or partial, by staff (and later organizers).

Goods go back through each line's kind (`kind.refund`: restock, cancel tickets, ...);
money goes back through the payment's provider. Both happen in one transaction with the
order row locked: if the provider refuses, nothing is restocked and no row is written.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum

from shop.kinds import kind_get
from shop.models import Order, Payment, Refund

from .emails import order_email_queue
from .orders import _apply

REFUNDABLE = {Order.Status.PAID, Order.Status.SHIPPED, Order.Status.COMPLETED}


class RefundError(ValueError):
    """The refund was refused; the message is safe to show staff."""


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise RefundError("Enter the amount as a number.") from None
    if amount <= 0:
        raise RefundError("The amount must be more than zero.")
    return amount


def order_refund(
    *,
    order: Order,
    actor,
    lines: dict[int, int] | None = None,
    amount: Decimal | None = None,
    reason: str,
) -> Refund:
    """Refund an order: everything left (lines=None, amount=None), or some line quantities
    (`{order_line_pk: quantity}`) and/or an amount. Without an amount, the refunded lines'
    value is refunded. Lock: the order row (`select_for_update`)."""
    reason = (reason or "").strip()
    if not reason:
        raise RefundError("Say why the order is refunded.")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in REFUNDABLE:
            raise RefundError(
                f"Order {order.number} is {order.get_status_display().lower()}; "
                "only paid orders can be refunded."
            )
        order_lines = {line.pk: line for line in order.lines.all()}
        left_money = order.total - order.refunded_total
        full = lines is None and amount is None
        if full:
            wanted = {
                pk: line.quantity - line.refunded_quantity
                for pk, line in order_lines.items()
                if line.quantity > line.refunded_quantity
            }
            amount = left_money
        else:
            wanted = {}
            for pk, quantity in (lines or {}).items():
                try:
                    pk, quantity = int(pk), int(quantity)
                except (TypeError, ValueError):
                    raise RefundError("Quantities must be whole numbers.") from None
                if quantity == 0:
                    continue
                line = order_lines.get(pk)
                if line is None:
                    raise RefundError("That line is not part of this order.")
                left = line.quantity - line.refunded_quantity
                if quantity < 0 or quantity > left:
                    raise RefundError(
                        f"{line.title}: you can refund at most {left}."
                        if left
                        else f"{line.title} was refunded already."
                    )
                wanted[pk] = quantity
            if amount is None:
                if not wanted:
                    raise RefundError("Choose the items or the amount to refund.")
                amount = min(
                    sum(
                        (order_lines[pk].unit_price * qty for pk, qty in wanted.items()),
                        Decimal("0"),
                    ),
                    left_money,
                )
            else:
                amount = _money(amount)
        if amount > left_money:
            raise RefundError(
                f"At most {left_money} {order.currency} is left to refund on this order."
            )
        if amount <= 0 and not wanted:
            raise RefundError("Nothing is left to refund on this order.")

        for pk in sorted(wanted):
            line = order_lines[pk]
            kind_get(line.kind).refund(order_line=line, quantity=wanted[pk], actor=actor)
            line.refunded_quantity += wanted[pk]
            line.save(update_fields=["refunded_quantity"])

        payment, reference = None, ""
        if amount > 0:
            payment, reference = _money_back(order=order, amount=amount)

        refund = Refund.objects.create(
            order=order,
            payment=payment,
            amount=amount,
            reason=reason[:255],
            lines=[{"line": pk, "quantity": qty} for pk, qty in sorted(wanted.items())],
            status=Refund.Status.DONE,
            reference=reference[:64],
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        order.refunded_total += amount
        order.save(update_fields=["refunded_total"])
        every_line = all(line.refunded_quantity >= line.quantity for line in order_lines.values())
        fully = order.refunded_total >= order.total and (order.total > 0 or every_line)
        if fully:
            _apply(order, Order.Status.REFUNDED, actor=actor, note=reason, email=False)
        order_email_queue(order=order, template="refunded", refund=refund)
    return refund


def _money_back(*, order: Order, amount: Decimal) -> tuple[Payment, str]:
    from shop.payments.base import PaymentError
    from shop.payments.registry import provider_for

    payments = list(
        order.payments.filter(status=Payment.Status.SUCCEEDED)
        .annotate(refunded=Sum("refunds__amount"))
        .order_by("-created", "-pk")
    )
    for payment in payments:
        if payment.amount - (payment.refunded or 0) >= amount:
            break
    else:
        raise RefundError("No payment on this order can take a refund of that amount.")
    try:
        provider = provider_for(payment.provider, enabled_only=False)
        reference = provider.refund(payment=payment, amount=amount)
    except PaymentError as exc:  # RefundFailed, or a provider that no longer exists
        raise RefundError(f"The payment provider did not refund the money: {exc}") from exc
    return payment, reference or ""
