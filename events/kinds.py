"""Tickets as a cart-line kind: `ref` is the ticket type's pk. Registered by
`EventsConfig.ready()`; the shop never imports this module."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from shop.kinds import CustomerCap, FulfilRefused, LineKind, NotAvailable, Offer


class TicketKind(LineKind):
    code = "ticket"
    label = "Ticket"
    holds = True
    limited_for_guests = True
    confirms_free_orders = True  # a free registration gets "You are registered" with tickets
    asks_attendee_names = True  # checkout offers a name per place; `tickets_issue` reads them

    def offers(self, refs: list[str], *, buyer=None) -> dict[str, Offer]:
        """Ticket types of published events whose sales window is open, in one query."""
        from .models import Event, TicketType
        from .services.tickets import ticket_type_id

        ids = {pk for pk in (ticket_type_id(ref) for ref in refs) if pk}
        if not ids:
            return {}
        now = timezone.now()
        ticket_types = (
            TicketType.objects.filter(pk__in=ids, event__status=Event.Status.PUBLISHED)
            .filter(Q(sales_start__isnull=True) | Q(sales_start__lte=now))
            .filter(Q(sales_end__gt=now) | Q(sales_end__isnull=True, event__ends_at__gt=now))
            .select_related("event")
        )
        return {
            str(ticket_type.pk): Offer(
                title=f"{ticket_type.event.title} · {ticket_type.name}",
                unit_price=ticket_type.price,
                currency=ticket_type.currency,
                url=ticket_type.event.get_absolute_url(),
                image_url=(
                    ticket_type.event.cover_image.url if ticket_type.event.cover_image else ""
                ),
                is_physical=False,
                available=ticket_type.available,
                organization_id=ticket_type.event.organization_id,
                max_per_order=ticket_type.max_per_order,
            )
            for ticket_type in ticket_types
        }

    def customer_caps(self, ref: str) -> list[CustomerCap]:
        """One customer may have at most the type's `max_per_customer` and, across the
        event's types, the event's `max_tickets_per_customer` (free registration too)."""
        from .models import TicketType
        from .services.tickets import ticket_type_id

        type_id = ticket_type_id(ref)
        ticket_type = (
            TicketType.objects.select_related("event").filter(pk=type_id).first()
            if type_id
            else None
        )
        if ticket_type is None:
            return []
        event = ticket_type.event
        siblings = tuple(
            str(pk) for pk in TicketType.objects.filter(event=event).values_list("pk", flat=True)
        )
        return [
            CustomerCap(
                limit=ticket_type.max_per_customer,
                refs=(str(ticket_type.pk),),
                label=f"{event.title} · {ticket_type.name}",
            ),
            CustomerCap(limit=event.max_tickets_per_customer, refs=siblings, label=event.title),
        ]

    def hold(self, *, ref: str, quantity: int, user=None) -> None:
        """Conditional UPDATE on the ticket type's `sold_or_held` (see services.tickets)."""
        from .services.tickets import ticket_hold, ticket_type_id

        type_id = ticket_type_id(ref)
        if type_id is None:
            raise NotAvailable("This ticket type does not exist.", available=0)
        ticket_hold(ticket_type_id=type_id, quantity=quantity)

    def release(self, *, ref: str, quantity: int, reason: str = "", actor=None) -> None:
        from .services.tickets import ticket_release, ticket_type_id

        type_id = ticket_type_id(ref)
        if type_id is not None:
            ticket_release(ticket_type_id=type_id, quantity=quantity)

    def fulfil(self, *, order_line) -> None:
        """Issue the line's tickets and queue "Your tickets" (in this, the paying
        transaction: a crash after commit cannot lose it), unless the event was canceled:
        a checkout that read the offers before `event_cancel` committed can create an order
        the unpaid-order sweep did not see; FulfilRefused then keeps the money as unapplied
        and refunds it (a free registration fails with the message). Lock: the event row
        (`select_for_update`), so this waits for a cancel in progress and sees its result."""
        from .models import Event, TicketType
        from .services.emails import tickets_email_queue
        from .services.tickets import ticket_type_id, tickets_issue

        type_id = ticket_type_id(order_line.ref)
        event_id = (
            TicketType.objects.filter(pk=type_id).values_list("event_id", flat=True).first()
            if type_id
            else None
        )
        status = (
            Event.objects.select_for_update()
            .filter(pk=event_id)
            .values_list("status", flat=True)
            .first()
            if event_id
            else None
        )
        if status == Event.Status.CANCELED:
            raise FulfilRefused("The event was canceled.")
        if tickets_issue(order_line=order_line):
            tickets_email_queue(order=order_line.order)

    def refund(self, *, order_line, quantity: int, actor=None) -> None:
        from .services.tickets import tickets_refund

        tickets_refund(order_line=order_line, quantity=quantity)

    def line_links(self, *, order_lines):
        from django.urls import reverse

        from .models import Attendee

        links: dict[int, list[tuple[str, str]]] = {}
        attendees = Attendee.objects.filter(
            order_line__in=order_lines, status__in=Attendee.VALID
        ).order_by("pk")
        for attendee in attendees:
            links.setdefault(attendee.order_line_id, []).append(
                (
                    f"Ticket PDF · {attendee.name}",
                    reverse("events:ticket_pdf", kwargs={"code": attendee.code}),
                )
            )
        return links
