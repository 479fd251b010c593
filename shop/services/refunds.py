"""Refunds of paid orders, full or partial, by staff (and later organizers).

Goods go back through the reservation module (`reservations.lines_refund`: each line's
kind restocks, cancels tickets, ..., then a composite line's parts are restocked); a kind
that cannot take its goods back raises RefundRefused, and the refund stops with its message
before anything moves. Money goes back through the payment's provider. Moving money cannot
be rolled back, so a refund runs in two phases around the provider call:

1. One transaction with the order row locked: validate, give the goods back, mark the line
   quantities refunded and write a PENDING `Refund` with its lines, amount and payment. From
   here on no other refund (concurrent or repeated) can take the same units or money.
2. The provider is called outside any transaction.
3. One transaction with the order row locked: the refund becomes DONE (with the provider's
   reference), the order's `refunded_total` and status follow and the customer's e-mail is
   queued; or, when the provider refused, the refund becomes FAILED and the order is flagged
   (`needs_attention`) for staff.

A FAILED refund keeps the goods given back: the refund was decided (tickets voided, stock
back on sale); only the money is missing. Staff pay it by hand, or it is retried with
`refund_retry` (cancelling an event again does that for the event's refunds). A refund left
PENDING (the provider's answer was unclear, or saving its result failed) is never paid out
again automatically: staff check with the provider.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q, Sum

from project.core.audit import audit_log
from project.core.locks import lock_timeout
from shop.kinds import RefundRefused
from shop.models import Order, Payment, Refund

from .emails import order_email_queue
from .orders import _apply
from .reservations import lines_refund

logger = logging.getLogger("tessera.shop")

REFUNDABLE = {Order.Status.PAID, Order.Status.SHIPPED, Order.Status.COMPLETED}
# Refunds whose money is out (DONE) or on its way (PENDING): nobody may refund it again.
_HOLDING = (Refund.Status.PENDING, Refund.Status.DONE)


class RefundError(ValueError):
    """The refund was refused; the message is safe to show staff."""


class RefundPayoutFailed(RefundError):
    """The refund was recorded and the goods given back, but the money did not go back
    (the refund is FAILED or, when the outcome is unclear, PENDING). The order is flagged
    for staff. `refund` is the saved row."""

    def __init__(self, message: str, *, refund: Refund):
        super().__init__(message)
        self.refund = refund


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise RefundError("Enter the amount as a number.") from None
    if amount <= 0:
        raise RefundError("The amount must be more than zero.")
    return amount


def _pending_money(order: Order, *, exclude: Refund | None = None) -> Decimal:
    """Money of the order's refunds still on their way (refunds of late payments that
    never became part of the order are not counted)."""
    pending = order.refunds.filter(status=Refund.Status.PENDING).filter(
        Q(payment__isnull=True) | ~Q(payment__status=Payment.Status.UNAPPLIED)
    )
    if exclude is not None:
        pending = pending.exclude(pk=exclude.pk)
    return pending.aggregate(total=Sum("amount"))["total"] or Decimal("0")


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
    value is refunded. Lock: the order row (`select_for_update`), in each phase.

    Raises RefundError when nothing was done, RefundPayoutFailed when the goods were given
    back but the money was not (see the module docstring)."""
    reason = (reason or "").strip()
    if not reason:
        raise RefundError("Say why the order is refunded.")
    with transaction.atomic():
        refund = _refund_reserve(
            order=order, actor=actor, lines=lines, amount=amount, reason=reason
        )
        if refund.amount <= 0:  # no money moves: finish in the same transaction
            return _refund_done(refund=refund, reference="", actor=actor)
    return _refund_pay_out(refund=refund, actor=actor)


def refund_retry(*, refund: Refund, actor=None) -> Refund:
    """Ask the provider again for the money of a FAILED refund (its goods were given back
    already). Refused when the order cannot take it any more (e.g. staff refunded the money
    another way meanwhile). Raises RefundError / RefundPayoutFailed like `order_refund`."""
    with transaction.atomic():
        with lock_timeout():
            order = Order.objects.select_for_update().get(pk=refund.order_id)
            refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != Refund.Status.FAILED:
            raise RefundError(f"Refund #{refund.pk} is {refund.get_status_display().lower()}.")
        left_money = order.total - order.refunded_total - _pending_money(order)
        if refund.amount > left_money:
            raise RefundError(
                f"Refund #{refund.pk} of {refund.amount} {order.currency} is not retried: only "
                f"{left_money} {order.currency} is left to refund on order {order.number}."
            )
        refund.status = Refund.Status.PENDING
        refund.note = ""
        refund.save(update_fields=["status", "note"])
    return _refund_pay_out(refund=refund, actor=actor)


# --- the phases ---------------------------------------------------------------------------


def _refund_reserve(*, order: Order, actor, lines, amount, reason: str) -> Refund:
    """Phase 1, inside the caller's transaction: validate, give the goods back and write the
    PENDING refund."""
    with lock_timeout():
        order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status not in REFUNDABLE:
        raise RefundError(
            f"Order {order.number} is {order.get_status_display().lower()}; "
            "only paid orders can be refunded."
        )
    order_lines = {line.pk: line for line in order.lines.all()}
    left_money = order.total - order.refunded_total - _pending_money(order)
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
        raise RefundError(f"At most {left_money} {order.currency} is left to refund on this order.")
    if amount <= 0 and not wanted:
        raise RefundError("Nothing is left to refund on this order.")

    payment = _payment_for(order=order, amount=amount) if amount > 0 else None

    try:
        lines_refund({order_lines[pk]: qty for pk, qty in wanted.items()}, actor=actor)
    except RefundRefused as exc:  # the goods cannot be taken back: nothing moves
        raise RefundError(str(exc)) from exc
    for pk in sorted(wanted):
        line = order_lines[pk]
        line.refunded_quantity += wanted[pk]
        line.save(update_fields=["refunded_quantity"])

    refund = Refund.objects.create(
        order=order,
        payment=payment,
        amount=amount,
        reason=reason[:255],
        lines=[{"line": pk, "quantity": qty} for pk, qty in sorted(wanted.items())],
        status=Refund.Status.PENDING,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(
        actor=actor,
        action="order.refund",
        obj=order,
        data={"refund": refund.pk, "amount": refund.amount, "reason": refund.reason},
    )
    refund.order = order
    return refund


def _payment_for(*, order: Order, amount: Decimal) -> Payment:
    """The newest succeeded payment with room for `amount`, whose provider still exists."""
    from shop.payments.base import PaymentError
    from shop.payments.registry import provider_for

    payments = list(
        order.payments.filter(status=Payment.Status.SUCCEEDED)
        .annotate(refunded=Sum("refunds__amount", filter=Q(refunds__status__in=_HOLDING)))
        .order_by("-created", "-pk")
    )
    for payment in payments:
        if payment.amount - (payment.refunded or 0) >= amount:
            break
    else:
        raise RefundError("No payment on this order can take a refund of that amount.")
    try:
        provider_for(payment.provider, enabled_only=False)
    except PaymentError as exc:
        raise RefundError(f"The payment provider did not refund the money: {exc}") from exc
    return payment


def _refund_pay_out(*, refund: Refund, actor) -> Refund:
    """Phase 2, outside any transaction: the provider moves the money; then phase 3."""
    from shop.payments.base import PaymentError
    from shop.payments.registry import provider_for

    payment = refund.payment
    try:
        reference = provider_for(payment.provider, enabled_only=False).refund(
            payment=payment, amount=refund.amount
        )
    except PaymentError as exc:  # RefundFailed: the provider says nothing was given back
        return _refund_failed(refund=refund, error=str(exc) or type(exc).__name__)
    except Exception as exc:
        logger.exception("refund: provider call crashed", extra={"refund": refund.pk})
        return _refund_unclear(refund=refund, error=f"{type(exc).__name__}: {exc}")
    try:
        with transaction.atomic():
            return _refund_done(refund=refund, reference=reference or "", actor=actor)
    except Exception as exc:
        logger.exception(
            "refund paid out but not recorded", extra={"refund": refund.pk, "reference": reference}
        )
        _flag(
            refund,
            note=f"Paid out ({reference}); recording it failed: {type(exc).__name__}",
            reference=reference or "",
            attention=(
                f"Refund #{refund.pk} of {refund.amount} was PAID OUT ({reference}) but not "
                "recorded: finish it by hand, do not refund again."
            ),
        )
        raise RefundPayoutFailed(
            f"The money went back (provider reference {reference}), but saving the refund "
            "failed. The order is flagged for staff; do not refund it again.",
            refund=refund,
        ) from exc


def _refund_done(*, refund: Refund, reference: str, actor) -> Refund:
    """Phase 3, inside the caller's transaction: record the money as given back."""
    order = Order.objects.select_for_update().get(pk=refund.order_id)
    refund.status = Refund.Status.DONE
    refund.reference = reference[:64]
    refund.note = ""
    refund.save(update_fields=["status", "reference", "note"])
    refund.order = order
    order.refunded_total += refund.amount
    update = ["refunded_total"]
    if order.needs_attention.startswith(f"Refund #{refund.pk} "):
        order.needs_attention = ""  # a retry paid what the flag was about
        update.append("needs_attention")
    order.save(update_fields=update)
    audit_log(
        actor=actor,
        action="order.refund_paid",
        obj=order,
        data={"refund": refund.pk, "amount": refund.amount, "reference": refund.reference},
    )
    every_line = all(line.refunded_quantity >= line.quantity for line in order.lines.all())
    fully = order.refunded_total >= order.total and (order.total > 0 or every_line)
    if fully and order.status in REFUNDABLE:
        _apply(order, Order.Status.REFUNDED, actor=actor, note=refund.reason, email=False)
    order_email_queue(order=order, template="refunded", refund=refund)
    return refund


def _refund_failed(*, refund: Refund, error: str) -> Refund:
    """Phase 3 after the provider refused: FAILED, the goods stay given back, staff told."""
    logger.error("refund refused by the provider", extra={"refund": refund.pk, "error": error})
    _flag(
        refund,
        status=Refund.Status.FAILED,
        note=error,
        attention=(
            f"Refund #{refund.pk} of {refund.amount} NOT paid out ({error}). Goods are back; "
            "pay the money back by hand."
        ),
    )
    raise RefundPayoutFailed(
        f"The payment provider did not refund the money: {error}. The items were taken back "
        f"and the refund is recorded as failed; order {refund.order.number} is flagged so "
        "the money can be paid back by hand.",
        refund=refund,
    )


def _refund_unclear(*, refund: Refund, error: str) -> Refund:
    """The provider call crashed: the money may or may not have moved. The refund stays
    PENDING (never paid out again automatically) and staff are told to check."""
    _flag(
        refund,
        note=f"Outcome unknown: {error}",
        attention=(
            f"Refund #{refund.pk} of {refund.amount}: provider outcome unknown ({error}). "
            "Check with the provider before refunding again."
        ),
    )
    raise RefundPayoutFailed(
        f"The payment provider did not answer clearly ({error}). The refund is left pending "
        "and the order is flagged: check with the provider before refunding again.",
        refund=refund,
    )


def _flag(refund: Refund, *, note: str, attention: str, status=None, reference=None) -> None:
    """Record a refund's trouble on it and on its order, in a short transaction."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=refund.order_id)
        changes = {"note": note[:255]}
        if status is not None:
            changes["status"] = status
        if reference is not None:
            changes["reference"] = reference[:64]
        Refund.objects.filter(pk=refund.pk).update(**changes)
        for name, value in changes.items():
            setattr(refund, name, value)
        order.needs_attention = attention[:200]
        order.save(update_fields=["needs_attention"])
        refund.order = order
