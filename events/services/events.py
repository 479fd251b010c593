"""Organizer writes on events and ticket types, and the event life cycle:

    draft → published → finished
      ↘        ↘ canceled (see services.cancel: refunds and notifies)

Locks: status changes lock the event row (`select_for_update`); a ticket type's quantity
changes with a conditional UPDATE that never goes below what is already held or sold.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import Event, EventLocation, EventOnlineInfo, TicketType
from project.core.images import image_is_upload, image_reencode
from project.core.text import single_line

EVENT_FIELDS = (
    "title",
    "description",
    "schedule",
    "sport_type",
    "format",
    "time_zone",
    "starts_at",
    "ends_at",
    "is_free",
    "cover_image",
)
LOCATION_FIELDS = ("country", "city", "address", "map_url", "latitude", "longitude")
ONLINE_FIELDS = ("stream_url", "instructions")
TICKET_TYPE_FIELDS = (
    "name",
    "description",
    "price",
    "currency",
    "quantity",
    "sales_start",
    "sales_end",
    "max_per_order",
    "max_per_customer",
    "position",
)


class EventError(ValueError):
    """The change was refused; the message is safe to show the organizer."""


# Paths under /events/ that an event's slug must not take.
RESERVED_SLUGS = {"my-tickets", "tickets"}


def _unique_slug(title: str, *, exclude_pk=None) -> str:
    base = slugify(title)[:200] or "event"
    candidate, n = base, 1
    while (
        candidate in RESERVED_SLUGS
        or Event.objects.filter(slug=candidate).exclude(pk=exclude_pk).exists()
    ):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _save_place(event: Event, data: dict) -> None:
    """The location for in-person events, the joining details for online ones."""
    if event.format == Event.Format.OFFLINE:
        EventLocation.objects.update_or_create(
            event=event, defaults={key: data.get(key) for key in LOCATION_FIELDS if key in data}
        )
    elif any(data.get(key) for key in ONLINE_FIELDS) or hasattr(event, "online_info"):
        EventOnlineInfo.objects.update_or_create(
            event=event,
            defaults={key: data.get(key) or "" for key in ONLINE_FIELDS if key in data},
        )


def _fields_clean(data: dict, *, slug: str) -> dict:
    """The caller's values with the title on one line (it goes into e-mail subjects) and a
    new cover checked and re-encoded (ValidationError for a file that breaks the rules)."""
    if "title" in data:
        data = {**data, "title": single_line(data["title"])}
    if image_is_upload(data.get("cover_image")):
        data = {**data, "cover_image": image_reencode(data["cover_image"], name=slug[:80])}
    return data


@transaction.atomic
def event_create(*, organization, actor, data: dict) -> Event:
    """A new draft event with its location or online details."""
    slug = _unique_slug(single_line(data["title"]))
    data = _fields_clean(data, slug=slug)
    fields = {key: data[key] for key in EVENT_FIELDS if key in data and data[key] is not None}
    if not fields.get("cover_image"):
        fields.pop("cover_image", None)
    fields["time_zone"] = fields.get("time_zone") or organization.time_zone
    event = Event.objects.create(
        organization=organization,
        slug=slug,
        status=Event.Status.DRAFT,
        **fields,
    )
    _save_place(event, data)
    return event


def event_update(*, event: Event, actor, data: dict) -> Event:
    data = _fields_clean(data, slug=event.slug)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.status in (Event.Status.FINISHED, Event.Status.CANCELED):
            raise EventError(
                _("A finished event cannot be edited.")
                if event.status == Event.Status.FINISHED
                else _("A canceled event cannot be edited.")
            )
        if data.get("is_free") and event.ticket_types.filter(price__gt=0).exists():
            raise EventError(_("Make every ticket type free before marking the event free."))
        for key in EVENT_FIELDS:
            if key in data and not (key in ("cover_image", "time_zone") and not data[key]):
                setattr(event, key, data[key])
        if data.get("cover_image") is False:  # the form's "clear" box
            event.cover_image = ""
        event.save()
        _save_place(event, data)
    return event


def publish_problems(event: Event) -> list[str]:
    """What stops a draft from going on sale, in words for the organizer."""
    problems = []
    if event.starts_at <= timezone.now():
        problems.append(_("The event must start in the future."))
    if not event.ticket_types.exists():
        problems.append(_("Add at least one ticket type."))
    if event.format == Event.Format.OFFLINE:
        location = EventLocation.objects.filter(event=event).first()
        if location is None or not location.city:
            problems.append(_("Give the city where the event happens."))
    else:
        info = EventOnlineInfo.objects.filter(event=event).first()
        if info is None or not info.stream_url:
            problems.append(_("Give the stream or meeting link for ticket holders."))
    return problems


def event_publish(*, event: Event, actor) -> Event:
    """Put a draft on sale. Lock: the event row."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.status != Event.Status.DRAFT:
            raise EventError(_("Only a draft can be published."))
        problems = publish_problems(event)
        if problems:
            raise EventError(
                _("The event cannot be published yet: {problems}").format(
                    problems=" ".join(problems)
                )
            )
        event.status = Event.Status.PUBLISHED
        event.published_at = timezone.now()
        event.save(update_fields=["status", "published_at", "updated"])
    return event


def event_finish(*, event: Event, actor=None) -> Event:
    """Close a published event that has started: sales stop, check-in stays open."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.status != Event.Status.PUBLISHED:
            raise EventError(_("Only a published event can be finished."))
        if not event.has_started:
            raise EventError(_("The event has not started yet; cancel it instead."))
        event.status = Event.Status.FINISHED
        event.save(update_fields=["status", "updated"])
    return event


def events_finish_overdue() -> int:
    """Finish published events that have ended (periodic). Returns how many."""
    return Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__lte=timezone.now()).update(
        status=Event.Status.FINISHED, updated=timezone.now()
    )


# --- ticket types --------------------------------------------------------------------------


def _check_editable(event: Event) -> None:
    if event.status in (Event.Status.FINISHED, Event.Status.CANCELED):
        raise EventError(
            _("Ticket types of a finished event cannot change.")
            if event.status == Event.Status.FINISHED
            else _("Ticket types of a canceled event cannot change.")
        )


def _check_ticket_type(event: Event, data: dict, *, exclude_pk=None) -> None:
    if event.is_free and data.get("price"):
        raise EventError(_("This event is free: its tickets must cost 0."))
    other = (
        TicketType.objects.filter(event=event)
        .exclude(pk=exclude_pk)
        .exclude(currency=data.get("currency"))
        .values_list("currency", flat=True)
        .first()
    )
    if other:
        raise EventError(
            _("All ticket types of an event use one currency ({currency}).").format(currency=other)
        )


def ticket_type_create(*, event: Event, actor, data: dict) -> TicketType:
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        _check_editable(event)
        _check_ticket_type(event, data)
        return TicketType.objects.create(
            event=event, **{key: data[key] for key in TICKET_TYPE_FIELDS if key in data}
        )


def ticket_type_update(*, ticket_type: TicketType, actor, data: dict) -> TicketType:
    """Lock: the ticket type row; the quantity cannot drop below what is held or sold."""
    with transaction.atomic():
        ticket_type = (
            TicketType.objects.select_for_update().select_related("event").get(pk=ticket_type.pk)
        )
        _check_editable(ticket_type.event)
        _check_ticket_type(ticket_type.event, data, exclude_pk=ticket_type.pk)
        quantity = data.get("quantity", ticket_type.quantity)
        if quantity < ticket_type.sold_or_held:
            raise EventError(
                ngettext(
                    "{count} ticket of this type is sold or in carts; "
                    "the quantity cannot be lower.",
                    "{count} tickets of this type are sold or in carts; "
                    "the quantity cannot be lower.",
                    ticket_type.sold_or_held,
                ).format(count=ticket_type.sold_or_held)
            )
        for key in TICKET_TYPE_FIELDS:
            if key in data:
                setattr(ticket_type, key, data[key])
        ticket_type.save()
    return ticket_type


def ticket_type_delete(*, ticket_type: TicketType, actor) -> None:
    with transaction.atomic():
        ticket_type = (
            TicketType.objects.select_for_update().select_related("event").get(pk=ticket_type.pk)
        )
        _check_editable(ticket_type.event)
        if ticket_type.sold_or_held or ticket_type.attendees.exists():
            raise EventError(_("Tickets of this type were sold or are in carts; it stays."))
        ticket_type.delete()
