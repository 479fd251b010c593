"""Cancelling an event: stop sales, cancel unpaid orders that hold its tickets, refund
every paid order's ticket lines through the order's payment provider (`order_refund`),
void the tickets and e-mail each buyer.

The event is marked canceled first, so nothing more is sold while the refunds run. Each
order is refunded on its own (`order_refund` locks it, records a PENDING refund and voids
the tickets, calls the provider outside any transaction, then records the result): one
provider failing does not undo the others, and money that went back is never asked for
twice. Running `event_cancel` again on a canceled event refunds lines still open and
retries the money of this event's refunds that FAILED; lines whose refund is PENDING or
DONE are left alone. A buyer is e-mailed once their money is back (or at once when there
was nothing to pay).

A request does not wait for the provider: `event_cancel_start` stops sales and queues an
`EventCancelRun`, which the worker runs (`event_cancel_run`), writing its progress for the
organizer's page. Where tasks run eagerly (the embedded default, no Redis) the run happens
right after the request's commit, before the page answers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from events.models import Attendee, Event, EventCancelRun
from project.core.audit import audit_log
from project.core.errors import AppError
from project.core.locks import lock_timeout
from project.core.outbox import outbox_enqueue, outbox_handler

from .emails import event_canceled_email_queue

logger = logging.getLogger("tessera.events")

# Starts the reason of every refund `event_cancel` makes: a rerun retries only those.
REFUND_REASON_PREFIX = "Event canceled: "
CANCEL_RUN = "events_cancel_run"


@dataclass
class CancelReport:
    refunded_orders: list[str] = field(default_factory=list)
    canceled_unpaid: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (order number, why)
    tickets_voided: int = 0


def _reason_clean(reason: str) -> str:
    reason = " ".join((reason or "").split())[:255]
    if not reason:
        from .events import EventError

        raise EventError("Say why the event is canceled: the attendees will read it.")
    return reason


def _event_mark_canceled(*, event: Event, reason: str) -> Event:
    """Inside the caller's transaction: stop sales. Lock: the event row (`lock_timeout`)."""
    with lock_timeout():
        event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == Event.Status.FINISHED:
        from .events import EventError

        raise EventError("A finished event cannot be canceled.")
    if event.status != Event.Status.CANCELED:
        event.status = Event.Status.CANCELED
        event.cancel_reason = reason
        event.canceled_at = timezone.now()
        event.save(update_fields=["status", "cancel_reason", "canceled_at", "updated"])
    return event


def event_cancel_start(*, event: Event, actor, reason: str) -> tuple[EventCancelRun, bool]:
    """Cancel `event` now (sales stop) and queue its refunds as a task. Returns the run and
    whether it was started now: while one is queued or running, starting again returns
    that one. Lock: the event row, so two starts at once make one run. The task is an
    outbox row in this transaction, so a broker outage delays it and loses nothing."""
    reason = _reason_clean(reason)
    with transaction.atomic():
        event = _event_mark_canceled(event=event, reason=reason)
        active = event.cancel_runs.filter(status__in=EventCancelRun.ACTIVE).first()
        if active is not None:
            return active, False
        run = EventCancelRun.objects.create(event=event, actor=actor, reason=reason)
        audit_log(
            actor=actor,
            action="event.cancel",
            obj=event,
            organization=event.organization,
            data={"run": run.pk},
        )
        outbox_enqueue(kind=CANCEL_RUN, payload={"run": run.pk})
    return run, True


@outbox_handler(CANCEL_RUN)
def _cancel_run_deliver(payload: dict) -> None:
    event_cancel_run(run_pk=payload["run"])


def event_cancel_run(*, run_pk: int) -> EventCancelRun | None:
    """The task: refund the event's orders one by one (`event_cancel`), writing the progress
    on the run after each order. A run already done, or running with a live heartbeat, is
    left alone (a conditional UPDATE claims it); one whose worker died goes on where the
    refunds stand (`event_cancel` is idempotent)."""
    now = timezone.now()
    runs = EventCancelRun.objects.filter(pk=run_pk)
    stale = now - timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    claimed = runs.filter(
        Q(status=EventCancelRun.Status.QUEUED)
        | Q(status=EventCancelRun.Status.RUNNING, heartbeat_at__lt=stale)
    ).update(status=EventCancelRun.Status.RUNNING, heartbeat_at=now)
    if not claimed:  # done, or a live worker is on it
        return None
    run = runs.select_related("event", "actor").get()

    def progress(done: int, total: int) -> None:
        runs.update(orders_done=done, orders_total=total, heartbeat_at=timezone.now())

    try:
        report = event_cancel(
            event=run.event, actor=run.actor, reason=run.reason, progress=progress
        )
    except Exception as exc:  # recorded on the run, so the organizer can start again
        logger.exception("event cancel run failed", extra={"run": run.pk})
        message = str(exc) if isinstance(exc, AppError) else "the run stopped on an error"
        report = CancelReport(failed=[("", message)])
    runs.update(
        status=EventCancelRun.Status.DONE,
        refunded_orders=report.refunded_orders,
        failed=[list(item) for item in report.failed],
        tickets_voided=report.tickets_voided,
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def event_cancel(*, event: Event, actor, reason: str, progress=None) -> CancelReport:
    """Cancel `event` and refund its orders, in this process. `progress(done, total)` is
    called after each paid order. Requests start it as a task (`event_cancel_start`)."""
    from shop.models import Order, OrderLine, Refund
    from shop.services.orders import UNPAID, InvalidTransition, order_cancel
    from shop.services.refunds import (
        REFUNDABLE,
        RefundError,
        RefundPayoutFailed,
        order_refund,
        refund_retry,
    )

    reason = _reason_clean(reason)
    with transaction.atomic():
        event = _event_mark_canceled(event=event, reason=reason)

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
    failed_refunds = Refund.objects.filter(
        status=Refund.Status.FAILED,
        reason__startswith=REFUND_REASON_PREFIX,
        order_id__in=lines.values("order_id"),
    )
    orders = list(
        Order.objects.filter(
            Q(pk__in=open_lines.values("order_id")) | Q(pk__in=failed_refunds.values("order_id")),
            status__in=REFUNDABLE,
        )
        .select_related("user")
        .order_by("pk")
    )
    refund_reason = f"{REFUND_REASON_PREFIX}{event.title}"[:255]
    if progress is not None:
        progress(0, len(orders))
    for position, order in enumerate(orders, start=1):
        event_lines = {line.pk: line for line in lines.filter(order=order)}
        to_refund = {
            pk: line.quantity - line.refunded_quantity
            for pk, line in event_lines.items()
            if line.quantity > line.refunded_quantity
        }
        # Only FAILED refunds are retried: PENDING and DONE ones cover their lines already.
        retries = [
            refund
            for refund in failed_refunds.filter(order=order).order_by("pk")
            if any(item.get("line") in event_lines for item in refund.lines)
        ]
        done, problems = [], []
        if to_refund:
            try:
                done.append(
                    order_refund(order=order, actor=actor, lines=to_refund, reason=refund_reason)
                )
            except RefundPayoutFailed as exc:  # tickets voided; the money is flagged
                report.tickets_voided += sum(to_refund.values())
                problems.append(str(exc))
            except RefundError as exc:  # nothing was done
                problems.append(str(exc))
            else:
                report.tickets_voided += sum(to_refund.values())
        for refund in retries:
            try:
                done.append(refund_retry(refund=refund, actor=actor))
            except RefundError as exc:
                problems.append(str(exc))
        for refund in done:
            try:
                with transaction.atomic():
                    event_canceled_email_queue(
                        event=event,
                        order=order,
                        tickets=sum(
                            item["quantity"] for item in refund.lines if item["line"] in event_lines
                        ),
                        refund=refund,
                    )
            except Exception:  # the refund stands; only the e-mail is missing
                logger.exception("event canceled e-mail failed", extra={"order": order.number})
                problems.append("refunded, but the e-mail to the buyer could not be queued")
        if problems:
            logger.warning("event refund failed", extra={"order": order.number})
            report.failed.append((order.number, "; ".join(problems)))
        elif done:
            report.refunded_orders.append(order.number)
        if progress is not None:
            progress(position, len(orders))

    # Tickets that never had an order line (issued by hand) are void too.
    report.tickets_voided += Attendee.objects.filter(
        ticket_type__event=event, order_line__isnull=True, status__in=Attendee.VALID
    ).update(status=Attendee.Status.CANCELED, updated=timezone.now())
    return report
