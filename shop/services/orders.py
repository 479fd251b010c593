"""Order life cycle: the status machine, payment, cancelling and expiry.

    new → pending_payment → paid → shipped → completed
      ↘ canceled (unpaid: releases what the order holds)
    paid / shipped / completed → refunded (through `shop.services.refunds.order_refund`)

Every change goes through `order_transition`, which writes an `OrderStatusChange` row (who,
when, from → to, note), queues the customer's e-mail in the outbox and, after commit, sends
`shop.signals.order_status_changed`. `order_pay` is the one way an order becomes paid; the
payment providers call it.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from project.core.audit import audit_log
from project.core.locks import lock_timeout
from shop.kinds import FulfilRefused, kind_get
from shop.models import Order, OrderLine, OrderStatusChange
from shop.signals import order_paid, order_status_changed

from .emails import order_email_queue
from .reservations import Item, PartsNotAvailable, lines_fulfil, parts_hold, parts_release

logger = logging.getLogger("tessera.shop")

S = Order.Status

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.PENDING_PAYMENT, S.PAID, S.CANCELED},
    S.PENDING_PAYMENT: {S.PAID, S.CANCELED},
    S.PAID: {S.SHIPPED, S.COMPLETED, S.REFUNDED},
    S.SHIPPED: {S.COMPLETED, S.REFUNDED},
    S.COMPLETED: {S.REFUNDED},
    S.CANCELED: set(),
    S.REFUNDED: set(),
}
# Only `order_pay` may take an order back from canceled: money arrived after it expired and
# everything it held could be taken again.
_LATE_PAYMENT = {S.CANCELED: {S.PAID}}

UNPAID = {S.NEW, S.PENDING_PAYMENT}
PAID_STATES = {S.PAID, S.SHIPPED, S.COMPLETED, S.REFUNDED}

# Status → e-mail sent to the customer when the order enters it.
STATUS_EMAILS = {
    S.PENDING_PAYMENT: "pending",
    S.PAID: "paid",
    S.SHIPPED: "shipped",
    S.CANCELED: "canceled",
    S.REFUNDED: "refunded",
}


class InvalidTransition(ValueError):
    """The order cannot go from its status to the one asked for."""


class AlreadyPaid(ValueError):
    """The order was paid already; a second payment must not be applied."""


class LatePaymentRejected(FulfilRefused):
    """Money arrived for an order that expired, and what it held is gone: like any line
    that cannot be delivered, the payment is kept as unapplied and refunded."""

    code = "late_payment_rejected"


def _locked(order: Order) -> Order:
    with lock_timeout():
        return Order.objects.select_for_update().get(pk=order.pk)


def _sync(target: Order, source: Order) -> Order:
    """Copy the locked row's fields onto the caller's instance."""
    for field in ("status", "paid_at", "reserved", "refunded_total", "expires_at"):
        setattr(target, field, getattr(source, field))
    return target


def order_transition(
    *,
    order: Order,
    to_status: str,
    actor=None,
    note: str = "",
    internal_note: str = "",
    email: bool = True,
) -> Order:
    """Move an order to `to_status` if the machine allows it. `note` is for the customer
    (order page and e-mail), `internal_note` for staff only.

    Lock: the order row (`select_for_update`), re-read, so two staff members or a gateway
    callback cannot both move it. Raises InvalidTransition."""
    with transaction.atomic():
        locked = _locked(order)
        if to_status not in ALLOWED_TRANSITIONS.get(locked.status, set()):
            raise InvalidTransition(
                f"Order {locked.number} cannot go from "
                f"{S(locked.status).label.lower()} to {_label(to_status)}."
            )
        _apply(locked, to_status, actor=actor, note=note, internal_note=internal_note, email=email)
    return _sync(order, locked)


def _label(status: str) -> str:
    try:
        return S(status).label.lower()
    except ValueError:
        return repr(status)


def _apply(
    order: Order,
    to_status: str,
    *,
    actor,
    note: str,
    internal_note: str = "",
    email: bool = True,
) -> None:
    """Write the status and its history row; schedule the e-mail and the signal."""
    from_status = order.status
    order.status = to_status
    order.save(update_fields=["status"])
    OrderStatusChange.objects.create(
        order=order,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note[:255],
        internal_note=internal_note[:255],
    )
    if getattr(actor, "is_authenticated", False):  # people's changes; the history has all
        audit_log(
            actor=actor,
            action="order.status",
            obj=order,
            data={"from": from_status, "to": to_status, "note": note},
        )
    if email and to_status in STATUS_EMAILS and not _confirmed_by_kinds(order, to_status):
        order_email_queue(order=order, template=STATUS_EMAILS[to_status])
    transaction.on_commit(
        lambda: order_status_changed.send(
            sender=Order, order=order, from_status=from_status, to_status=to_status
        ),
        robust=True,
    )


def _confirmed_by_kinds(order: Order, to_status: str) -> bool:
    """A free order made only of kinds that confirm it themselves (a free registration):
    no "payment received" e-mail with an invoice for 0."""
    if to_status != S.PAID or order.total != 0:
        return False
    kinds = {line.kind for line in order.lines.all()}
    try:
        return bool(kinds) and all(kind_get(kind).confirms_free_orders for kind in kinds)
    except LookupError:
        return False


def order_history_start(*, order: Order, actor=None, note: str = "Order placed") -> None:
    """The first history row, for an order that was just created."""
    OrderStatusChange.objects.create(
        order=order,
        from_status="",
        to_status=order.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
    )


# --- holding and releasing -----------------------------------------------------------------


def _items(order: Order) -> list[Item]:
    return [Item(line.kind, line.ref, line.quantity) for line in order.lines.all()]


def order_release(*, order: Order, reason: str, actor=None) -> None:
    """Give back everything an unpaid order holds (`reservations.parts_release`). The
    caller holds the order row lock."""
    if not order.reserved:
        return
    parts_release(_items(order), reason=reason, actor=actor)
    order.reserved = False
    order.save(update_fields=["reserved"])


def _rehold(order: Order) -> None:
    """Take again everything a released order needs, all or nothing
    (`reservations.parts_hold`); raise LatePaymentRejected when something is gone."""
    from .cart import reservations_expire_due

    items = _items(order)
    try:
        try:
            parts_hold(items, user=order.user)
        except PartsNotAvailable as exc:
            # Expired holds of other buyers must not stand in the way.
            settled = sum(
                reservations_expire_due(kind=kind, refs=[ref]) for kind, ref in exc.failures
            )
            if not settled:
                raise
            parts_hold(items, user=order.user)
    except PartsNotAvailable as exc:
        titles = {(line.kind, line.ref): line.title for line in order.lines.all()}
        gone = ", ".join(titles.get(key, key[1]) for key in exc.failures)
        raise LatePaymentRejected(
            f"Order {order.number} expired and {gone} is no longer available ({exc})."
        ) from exc
    order.reserved = True
    order.save(update_fields=["reserved"])


# --- paying, cancelling, expiring ----------------------------------------------------------


def order_pay(*, order: Order, payment=None, actor=None) -> Order:
    """Mark an order paid and fulfil its lines.

    Called inside `transaction.atomic()` with the order row locked by the caller
    (`select_for_update`). `payment` is None for zero-total orders. An order that expired
    and released its holds is paid only if every line can be held again (note "late payment
    accepted"); otherwise LatePaymentRejected. A kind that cannot deliver a line raises
    FulfilRefused (LatePaymentRejected is one): the caller rolls back to its savepoint and
    keeps the money as unapplied. A paid order raises AlreadyPaid."""
    if order.status in PAID_STATES:
        raise AlreadyPaid(f"Order {order.number} is already paid.")
    note = f"Paid by {payment.provider} ({payment.reference})" if payment else "Nothing to pay"
    if order_is_overdue(order):
        # Past its pay-by time the order is expired whether or not the sweep has run: it
        # gives its units back and the money is a late payment, as after the sweep.
        _expire(order)
    if order.status == S.CANCELED:
        if order.reserved:
            raise LatePaymentRejected(f"Order {order.number} was canceled.")
        _rehold(order)
        note = "late payment accepted"
        allowed = _LATE_PAYMENT[S.CANCELED]
    else:
        allowed = ALLOWED_TRANSITIONS[order.status]
    if S.PAID not in allowed:
        raise InvalidTransition(f"Order {order.number} cannot be paid now.")

    order.paid_at = timezone.now()
    order.save(update_fields=["paid_at"])
    _apply(order, S.PAID, actor=actor, note=note)
    lines_fulfil(list(order.lines.all()))
    transaction.on_commit(lambda: order_paid.send(sender=Order, order=order), robust=True)
    return order


def order_cancel(
    *, order: Order, actor=None, note: str = "Canceled by the customer", internal_note: str = ""
) -> Order:
    """Cancel an unpaid order and give back what it holds. Lock: the order row."""
    with transaction.atomic():
        locked = _locked(order)
        if locked.status not in UNPAID:
            raise InvalidTransition(
                f"Order {locked.number} is {S(locked.status).label.lower()} and cannot be canceled."
            )
        order_release(order=locked, reason=f"order {locked.number} canceled", actor=actor)
        _apply(locked, S.CANCELED, actor=actor, note=note, internal_note=internal_note)
    return _sync(order, locked)


def order_is_overdue(order: Order) -> bool:
    """Unpaid and past its pay-by time: the order is expired, whether or not anything has
    marked it so yet."""
    return bool(
        order.status in UNPAID
        and order.expires_at is not None
        and order.expires_at <= timezone.now()
    )


def _expire(order: Order) -> None:
    """Release and cancel an overdue order. The caller holds the order row lock."""
    order_release(order=order, reason=f"order {order.number} expired")
    _apply(order, S.CANCELED, actor=None, note="expired")


def order_expire_overdue(
    *, user=None, pks=None, kind: str | None = None, refs=None, limit: int = 500
) -> int:
    """Cancel unpaid orders past `expires_at` and release what they hold: all of them (the
    periodic task), or a user's, some pks, or those with lines of `kind` (and `refs`) —
    called before such orders or their items are read, so nothing waits for the task.
    Returns how many.

    Lock: each order row with `select_for_update(skip_locked=True)`; an order a payment
    callback is working on right now is left to it (`order_pay` expires it itself)."""
    now = timezone.now()
    due = Order.objects.filter(status__in=UNPAID, expires_at__lte=now)
    if user is not None:
        due = due.filter(user=user)
    if pks is not None:
        due = due.filter(pk__in=pks)
    if kind is not None:
        lines = OrderLine.objects.filter(kind=kind)
        if refs is not None:
            lines = lines.filter(ref__in=[str(ref) for ref in refs])
        due = due.filter(pk__in=lines.values("order_id"))
    found = list(due.order_by("pk").values_list("pk", flat=True)[:limit])
    expired = 0
    for pk in found:
        with transaction.atomic():
            order = (
                Order.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status__in=UNPAID, expires_at__lte=timezone.now())
                .first()
            )
            if order is None:
                continue
            _expire(order)
            expired += 1
    return expired


def order_status_targets(order: Order) -> list[tuple[str, str]]:
    """Statuses staff may move the order to by hand (refunds have their own form)."""
    return [
        (status.value, status.label)
        for status in S
        if status in ALLOWED_TRANSITIONS.get(order.status, set())
        and status not in {S.REFUNDED, S.PAID}
    ]


def order_status_set(
    *, order: Order, to_status: str, actor, note: str = "", internal_note: str = ""
) -> Order:
    """Staff status change; cancelling releases like a customer's cancel. `note` goes to
    the customer, `internal_note` stays with staff."""
    if to_status not in dict(order_status_targets(order)):
        raise InvalidTransition(
            f"Order {order.number} cannot go from {_label(order.status)} to "
            f"{_label(to_status)} by hand."
        )
    if to_status == S.CANCELED:
        return order_cancel(
            order=order,
            actor=actor,
            note=note or "Canceled by staff",
            internal_note=internal_note,
        )
    return order_transition(
        order=order, to_status=to_status, actor=actor, note=note, internal_note=internal_note
    )
