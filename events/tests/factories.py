"""Factories and small helpers for the events tests: events on sale, and buying tickets
through the real cart, checkout and mock payment services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from events.models import Event, EventLocation, EventOnlineInfo, TicketType
from project.organizations.tests.factories import OrganizationFactory
from shop.models import Order
from shop.tests.factories import (
    order_paid,
    order_placed,
    payment_confirmed,
    user_cart,  # noqa: F401 - re-exported for the events tests
)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Sunrise Run {n}")
    slug = factory.Sequence(lambda n: f"sunrise-run-{n}")
    sport_type = "running"
    format = Event.Format.OFFLINE
    status = Event.Status.PUBLISHED
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=3))
    description = "A morning run along the river."


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventLocation

    event = factory.SubFactory(EventFactory)
    city = "Ho Chi Minh City"
    address = "Nguyen Hue Walking Street"
    latitude = Decimal("10.774300")
    longitude = Decimal("106.703800")


class OnlineInfoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventOnlineInfo

    event = factory.SubFactory(EventFactory, format=Event.Format.ONLINE)
    stream_url = "https://meet.example.com/secret-room-42"
    instructions = "Join ten minutes early."


class TicketTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketType

    event = factory.SubFactory(EventFactory)
    name = "Standard"
    price = Decimal("250000")
    currency = "VND"
    quantity = 100


def free_ticket_type(**kwargs) -> TicketType:
    event = EventFactory(is_free=True, **kwargs.pop("event_kwargs", {}))
    return TicketTypeFactory(event=event, price=Decimal("0"), name="Place", **kwargs)


def order_for(*, user, ticket_type: TicketType, quantity: int = 1) -> Order:
    """Put tickets in the user's cart and place the order (unpaid unless free)."""
    return order_placed(user, ("ticket", ticket_type.pk, quantity), delivery_type="none")


def pay(order: Order):
    """Pay an order through the mock provider's signed callback, as its sandbox does."""
    return payment_confirmed(order)


def buy(*, user, ticket_type: TicketType, quantity: int = 1) -> Order:
    return order_paid(user, ("ticket", ticket_type.pk, quantity), delivery_type="none")
