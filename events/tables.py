"""django-tables2 tables for the organizer pages: events and attendees."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html

from project.core.badges import status_badge

from .models import Attendee, Event


class EventTable(tables.Table):
    title = tables.Column(
        linkify=lambda record: reverse(
            "events_org:detail", args=[record.organization.slug, record.pk]
        )
    )
    starts_at = tables.Column(verbose_name="Starts")
    place = tables.Column(empty_values=(), orderable=False, verbose_name="Where")
    status = tables.Column()
    sold = tables.Column(
        empty_values=(),
        verbose_name="Sold / capacity",
        order_by=("tickets_sold",),
        attrs={"td": {"class": "whitespace-nowrap"}},
    )
    checked_in = tables.Column(verbose_name="Checked in")

    class Meta:
        model = Event
        fields = ("title", "starts_at", "place", "status", "sold", "checked_in")
        attrs = {"id": "events"}
        template_name = "events/org/_event_table.html"  # cards on phones
        order_by = ("-starts_at",)
        empty_text = "No events yet."

    def render_starts_at(self, record):
        return dateformat.format(record.local(record.starts_at), "D j M Y, H:i")

    def render_place(self, record):
        if record.format == Event.Format.ONLINE:
            return "Online"
        location = getattr(record, "location", None)
        return location.city if location else "—"

    def render_status(self, record):
        return status_badge(record.status, record.get_status_display())

    def render_sold(self, record):
        return f"{record.tickets_sold} / {record.capacity}"


class AttendeeTable(tables.Table):
    name = tables.Column()
    ticket_type = tables.Column(
        accessor="ticket_type__name", verbose_name="Ticket type", order_by=("ticket_type__name",)
    )
    buyer = tables.Column(accessor="buyer__email", verbose_name="Buyer", default="—")
    order = tables.Column(
        accessor="order_line__order__number",
        verbose_name="Order",
        default="—",
        order_by=("order_line__order__number",),
    )
    status = tables.Column()
    checked_in_at = tables.Column(verbose_name="Checked in", default="—")
    code = tables.Column(verbose_name="Code", orderable=False)

    class Meta:
        model = Attendee
        fields = ("name", "ticket_type", "buyer", "order", "status", "checked_in_at", "code")
        attrs = {"id": "attendees"}
        order_by = ("name",)
        empty_text = "No attendees match."

    def render_status(self, record):
        return status_badge(record.status, record.get_status_display())

    def render_checked_in_at(self, record):
        return dateformat.format(record.ticket_type.event.local(record.checked_in_at), "H:i, j M")

    def render_code(self, value):
        return format_html('<code class="text-xs text-slate-500">{}…</code>', value[:8])


class AttendeeExportTable(tables.Table):
    """The attendee download; times in the event's zone (the selector fetches the ticket
    type's event)."""

    name = tables.Column(verbose_name="name")
    ticket_type = tables.Column(accessor="ticket_type__name", verbose_name="ticket_type")
    status = tables.Column(verbose_name="status")
    buyer_email = tables.Column(accessor="buyer__email", verbose_name="buyer_email", default="")
    order = tables.Column(accessor="order_line__order__number", verbose_name="order", default="")
    code = tables.Column(verbose_name="code")
    checked_in_at = tables.Column(verbose_name="checked_in_at", default="")
    issued = tables.Column(accessor="created", verbose_name="issued")

    class Meta:
        model = Attendee
        fields = ()
        orderable = False

    def value_status(self, record):
        return record.get_status_display()

    def value_checked_in_at(self, record, value):
        return self._local(record, value)

    def value_issued(self, record, value):
        return self._local(record, value)

    @staticmethod
    def _local(record, moment):
        return record.ticket_type.event.local(moment).strftime("%Y-%m-%d %H:%M")
