"""Reads for events, ticket types and tickets. Each returns a queryset (or objects) with
what its page shows already joined or prefetched, so pages run a fixed number of queries."""

from __future__ import annotations

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from project.organizations.models import Membership

from .models import Attendee, Event, TicketType

PUBLIC_STATUSES = (Event.Status.PUBLISHED, Event.Status.FINISHED, Event.Status.CANCELED)


def _tickets_left():
    return Coalesce(
        Sum(F("ticket_types__quantity") - F("ticket_types__sold_or_held")),
        Value(0),
        output_field=IntegerField(),
    )


def event_list_public():
    """Events anyone may see, with the lowest price and the tickets left (one query)."""
    return (
        Event.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("organization", "location")
        .annotate(
            min_price=Min("ticket_types__price"),
            price_currency=Min("ticket_types__currency"),
            tickets_left=_tickets_left(),
        )
        .order_by("starts_at", "pk")
    )


def event_cities() -> list[str]:
    """Cities of upcoming public events, for the filter's suggestions."""
    return list(
        Event.objects.filter(
            status=Event.Status.PUBLISHED, ends_at__gte=timezone.now(), location__isnull=False
        )
        .order_by("location__city")
        .values_list("location__city", flat=True)
        .distinct()[:100]
    )


def event_get_public(*, slug: str) -> Event | None:
    return (
        Event.objects.filter(slug=slug, status__in=PUBLIC_STATUSES)
        .select_related("organization", "location", "online_info")
        .prefetch_related(
            Prefetch(
                "ticket_types", queryset=TicketType.objects.order_by("position", "price", "pk")
            )
        )
        .first()
    )


def user_holds_ticket(*, user, event: Event) -> bool:
    """Whether the user bought a valid ticket for the event (online details are theirs)."""
    if not user.is_authenticated:
        return False
    return Attendee.objects.filter(
        buyer=user, ticket_type__event=event, status__in=Attendee.VALID
    ).exists()


def user_is_event_member(*, user, event: Event) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, organization_id=event.organization_id).exists()


# --- organizer ---------------------------------------------------------------------------


def events_for_organization(*, organization):
    """An organization's events with capacity, tickets sold and checked in (subqueries,
    so the counts do not multiply each other)."""
    valid = Attendee.objects.filter(ticket_type__event=OuterRef("pk"), status__in=Attendee.VALID)
    sold = valid.values("ticket_type__event").annotate(n=Count("pk")).values("n")
    checked = (
        valid.filter(status=Attendee.Status.CHECKED_IN)
        .values("ticket_type__event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    capacity = (
        TicketType.objects.filter(event=OuterRef("pk"))
        .values("event")
        .annotate(n=Sum("quantity"))
        .values("n")
    )
    return (
        Event.objects.filter(organization=organization)
        .select_related("location")
        .annotate(
            capacity=Coalesce(Subquery(capacity, output_field=IntegerField()), Value(0)),
            tickets_sold=Coalesce(Subquery(sold, output_field=IntegerField()), Value(0)),
            checked_in=Coalesce(Subquery(checked, output_field=IntegerField()), Value(0)),
        )
        .order_by("-starts_at", "-pk")
    )


def ticket_types_for_event(*, event: Event):
    valid = Attendee.objects.filter(ticket_type=OuterRef("pk"), status__in=Attendee.VALID)
    return (
        TicketType.objects.filter(event=event)
        .annotate(
            issued=Coalesce(
                Subquery(
                    valid.values("ticket_type").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            )
        )
        .order_by("position", "price", "pk")
    )


def attendees_for_event(*, event: Event):
    return (
        Attendee.objects.filter(ticket_type__event=event)
        .select_related("ticket_type__event", "buyer", "order_line__order", "checked_in_by")
        .order_by("name", "pk")
    )


def attendee_search(queryset, q: str):
    q = (q or "").strip()
    if not q:
        return queryset
    return queryset.filter(
        Q(name__icontains=q)
        | Q(code__startswith=q)
        | Q(buyer__email__icontains=q)
        | Q(order_line__order__number__icontains=q)
    )


def attendee_for_checkin(*, organization, code: str) -> Attendee | None:
    """The ticket with this code among the organization's events, or None."""
    code = (code or "").strip()
    if not code or len(code) > 64:
        return None
    return (
        Attendee.objects.filter(code=code, ticket_type__event__organization=organization)
        .select_related("ticket_type__event", "checked_in_by")
        .first()
    )


# --- buyers ------------------------------------------------------------------------------


def _ticket_related(queryset):
    return queryset.select_related(
        "ticket_type__event__organization",
        "ticket_type__event__location",
        "order_line__order",
    )


def tickets_for_user(*, user):
    """The user's tickets, upcoming events first, then past ones."""
    return _ticket_related(Attendee.objects.filter(buyer=user)).order_by(
        "-ticket_type__event__starts_at", "pk"
    )


def tickets_for_order(*, order):
    return _ticket_related(
        Attendee.objects.filter(order_line__order=order, status__in=Attendee.VALID)
    ).order_by("pk")


def ticket_for_download(*, code: str, user) -> Attendee | None:
    """A ticket the user may download: they bought it, or they belong to the organization
    running the event. Anyone else gets None (the view answers 404)."""
    if not user.is_authenticated or not code or len(code) > 64:
        return None
    member = Membership.objects.filter(
        user=user, organization_id=OuterRef("ticket_type__event__organization_id")
    )
    return (
        _ticket_related(Attendee.objects.filter(code=code))
        .filter(Q(buyer=user) | Q(Exists(member)))
        .first()
    )
