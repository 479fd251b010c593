"""E-mails about tickets, all through the outbox:

- "Your tickets": queued by the ticket kind's `fulfil`, in the transaction that pays the
  order (so it cannot be lost between commit and a receiver); built when sent, with one
  PDF ticket per attendee attached, so no PDF is rendered while a request or the payment
  transaction waits. For a free
  registration (a zero-total order) it is "You are registered", and the shop sends no
  payment e-mail (the ticket kind `confirms_free_orders`).
- "Event canceled": one per buyer, queued by `event_cancel` with the refund.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from project.core.mail import email_message, in_recipient_language
from project.core.outbox import outbox_enqueue, outbox_handler

logger = logging.getLogger("tessera.events")

TICKETS_EMAIL = "events_tickets_email"


def tickets_email_queue(*, order) -> None:
    """Queue "Your tickets" for a paid order, once: when the last of its ticket lines got
    its tickets. Called by the ticket kind's `fulfil`, inside the paying transaction, so
    the outbox row commits with the payment; the e-mail is built when sent."""
    from events.models import Attendee

    lines = list(order.lines.filter(kind="ticket").values_list("pk", "quantity"))
    issued = dict(
        Attendee.objects.filter(order_line__order=order)
        .values("order_line")
        .annotate(n=Count("pk"))
        .values_list("order_line", "n")
    )
    if any(issued.get(pk, 0) < quantity for pk, quantity in lines):
        return  # a later ticket line of this order queues it
    outbox_enqueue(kind=TICKETS_EMAIL, payload={"order": order.pk})


def tickets_email_build(*, order_pk: int) -> EmailMultiAlternatives | None:
    from events.pdf import ticket_filename, ticket_pdf
    from events.selectors import tickets_for_order
    from shop.models import Order

    order = Order.objects.select_related("user").get(pk=order_pk)
    # In the buyer's language, whatever the language of the request that paid the order.
    with in_recipient_language(user=order.user, language=order.language):
        attendees = list(tickets_for_order(order=order))
        if not attendees:
            return None
        registration = order.total == 0  # a free registration: no payment to speak of
        context = {
            "order": order,
            "registration": registration,
            "attendees": attendees,
            "customer_name": order.user.name or order.email.split("@")[0],
            "tickets_url": settings.SITE_URL + "/events/my-tickets/",
            "site_url": settings.SITE_URL,
        }
        events = sorted({attendee.ticket_type.event.title for attendee in attendees})
        message = email_message(
            subject=(
                _("You are registered: {events}") if registration else _("Your tickets: {events}")
            ).format(events=", ".join(events)),
            body=render_to_string("events/emails/tickets.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[order.email],
        )
        message.attach_alternative(
            render_to_string("events/emails/tickets.html", context), "text/html"
        )
        for attendee in attendees:
            message.attach(
                ticket_filename(attendee), ticket_pdf(attendee=attendee), "application/pdf"
            )
        return message


@outbox_handler(TICKETS_EMAIL)
def _send_tickets(payload: dict) -> None:
    message = tickets_email_build(order_pk=payload["order"])
    if message is not None:
        message.send()


CANCELED_EMAIL = "events_canceled_email"


def event_canceled_email_queue(*, event, order, tickets: int, refund=None) -> None:
    """Tell the buyer of `order` their `tickets` for `event` are canceled (and what was
    refunded). Call inside a transaction: the outbox row names the rows, and the e-mail is
    rendered when it is sent."""
    outbox_enqueue(
        kind=CANCELED_EMAIL,
        payload={
            "event": event.pk,
            "order": order.pk,
            "tickets": tickets,
            "refund": refund.pk if refund is not None else None,
        },
    )


@outbox_handler(CANCELED_EMAIL)
def _send_canceled(payload: dict) -> None:
    from events.models import Event
    from shop.models import Order, Refund

    event = Event.objects.select_related("organization").get(pk=payload["event"])
    order = Order.objects.select_related("user").get(pk=payload["order"])
    refund = (
        Refund.objects.select_related("order").filter(pk=payload["refund"]).first()
        if payload.get("refund")
        else None
    )
    with in_recipient_language(user=order.user, language=order.language):
        _canceled_send(event=event, order=order, refund=refund, tickets=payload["tickets"])


def _canceled_send(*, event, order, refund, tickets: int) -> None:
    context = {
        "event": event,
        "name": (order.user.name if order.user else "") or order.email.split("@")[0],
        "tickets": tickets,
        "refund": refund,
        "site_url": settings.SITE_URL,
    }
    message = email_message(
        subject=_("Canceled: {event}").format(event=event.title),
        body=render_to_string("events/emails/canceled.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.email],
    )
    message.attach_alternative(
        render_to_string("events/emails/canceled.html", context), "text/html"
    )
    message.send()
