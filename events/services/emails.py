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

from project.core.mail import email_message
from project.core.outbox import email_enqueue, outbox_enqueue, outbox_handler

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
        subject=f"{'You are registered' if registration else 'Your tickets'}: {', '.join(events)}",
        body=render_to_string("events/emails/tickets.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.email],
    )
    message.attach_alternative(render_to_string("events/emails/tickets.html", context), "text/html")
    for attendee in attendees:
        message.attach(ticket_filename(attendee), ticket_pdf(attendee=attendee), "application/pdf")
    return message


@outbox_handler(TICKETS_EMAIL)
def _send_tickets(payload: dict) -> None:
    message = tickets_email_build(order_pk=payload["order"])
    if message is not None:
        message.send()


def event_canceled_email_queue(*, event, email: str, name: str, tickets: int, refund=None) -> None:
    """Tell one buyer their tickets for `event` are canceled (and what was refunded).
    Call inside the cancel transaction: the outbox sends it after commit."""
    context = {
        "event": event,
        "name": name,
        "tickets": tickets,
        "refund": refund,
        "site_url": settings.SITE_URL,
    }
    message = email_message(
        subject=f"Canceled: {event.title}",
        body=render_to_string("events/emails/canceled.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
    )
    message.attach_alternative(
        render_to_string("events/emails/canceled.html", context), "text/html"
    )
    email_enqueue(message=message)
