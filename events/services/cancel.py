"""Cancelling an event: stop sales, cancel unpaid orders that hold its tickets, refund
every paid order's ticket lines through the order's payment provider (`order_refund`),
void the tickets and e-mail each buyer.

Refunds talk to payment providers, so each order is refunded in its own transaction (with
its buyer's e-mail): one provider failing does not undo the others. The event is marked
canceled first, so nothing more is sold while the refunds run; running `event_cancel`
again on a canceled event retries the refunds that failed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from events.models import Attendee, Event

from .emails import event_canceled_email_queue

logger = logging.getLogger("tessera.events")


@dataclass
class CancelReport:
    refunded_orders: list[str] = field(default_factory=list)
    canceled_unpaid: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (order number, why)
    tickets_voided: int = 0


def event_cancel(*, event: Event, actor, reason: str) -> CancelReport:
    from shop.models import Order, OrderLine
    from shop.services.orders import UNPAID, InvalidTransition, order_cancel
    from shop.services.refunds import REFUNDABLE, RefundError, order_refund

    reason = " ".join((reason or "").split())[:255]
    if not reason:
        from .events import EventError

        raise EventError("Say why the event is canceled: the attendees will read it.")

    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.status == Event.Status.FINISHED:
            from .events import EventError

            raise EventError("A finished event cannot be canceled.")
        if event.status != Event.Status.CANCELED:
            event.status = Event.Status.CANCELED
            event.cancel_reason = reason
            event.canceled_at = timezone.now()
            event.save(update_fields=["status", "cancel_reason", "canceled_at", "updated"])

    report = CancelReport()
    refs = [str(pk) for pk in event.ticket_types.values_list("pk", flat=True)]
    lines = OrderLine.objects.filter(kind="ticket", ref__in=refs)

    # Unpaid orders would otherwise issue tickets for a canceled event when paid.
    for order in Order.objects.filter(pk__in=lines.values("order_id"), status__in=UNPAID).order_by(
        "pk"
    ):
        try:
            order_cancel(order=order, actor=actor, note=f"Event canceled: {event.title}")
            report.canceled_unpaid.append(order.number)
        except InvalidTransition:
            pass  # paid or canceled meanwhile; a paid one is refunded below

    open_lines = lines.filter(quantity__gt=F("refunded_quantity"))
    orders = (
        Order.objects.filter(pk__in=open_lines.values("order_id"), status__in=REFUNDABLE)
        .select_related("user")
        .order_by("pk")
    )
    for order in orders:
        order_lines = {
            line.pk: line.quantity - line.refunded_quantity
            for line in open_lines.filter(order=order)
        }
        try:
            with transaction.atomic():
                refund = order_refund(
                    order=order,
                    actor=actor,
                    lines=order_lines,
                    reason=f"Event canceled: {event.title}"[:255],
                )
                event_canceled_email_queue(
                    event=event,
                    email=order.email,
                    name=order.user.name or order.email.split("@")[0],
                    tickets=sum(order_lines.values()),
                    refund=refund,
                )
        except RefundError as exc:
            logger.warning("event refund failed", extra={"order": order.number})
            report.failed.append((order.number, str(exc)))
            continue
        report.refunded_orders.append(order.number)
        report.tickets_voided += sum(order_lines.values())

    # Tickets that never had an order line (issued by hand) are void too.
    report.tickets_voided += Attendee.objects.filter(
        ticket_type__event=event, order_line__isnull=True, status__in=Attendee.VALID
    ).update(status=Attendee.Status.CANCELED, updated=timezone.now())
    return report
