"""Ticket types are priced in the deployment's one currency (SHOP_CURRENCY)."""

import pytest

from events.forms import TicketTypeForm
from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_ticket_type_form_offers_only_the_deployments_currency(settings):
    event = EventFactory()
    form = TicketTypeForm(event=event)
    assert form.fields["currency"].choices == [("VND", "Vietnamese đồng")]
    bound = TicketTypeForm(
        {"name": "VIP", "price": "20", "currency": "USD", "quantity": "5"}, event=event
    )
    assert not bound.is_valid() and "currency" in bound.errors

    settings.SHOP_CURRENCY = "KZT"
    form = TicketTypeForm(event=event)
    assert form.fields["currency"].choices == [("KZT", "Kazakhstani tenge")]
    assert form["currency"].value() == "KZT"
