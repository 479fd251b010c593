"""The order page links each valid ticket's PDF (through the kind's `line_links`)."""

import pytest
from django.urls import reverse

from events.models import Attendee
from project.accounts.tests.factories import UserFactory

from .factories import TicketTypeFactory, buy

pytestmark = pytest.mark.django_db


def test_order_page_links_the_valid_tickets(client):
    buyer = UserFactory()
    ticket_type = TicketTypeFactory(price="150000")
    order = buy(user=buyer, ticket_type=ticket_type, quantity=2)
    tickets = list(Attendee.objects.filter(order_line__order=order).order_by("pk"))
    assert len(tickets) == 2
    tickets[1].status = Attendee.Status.REFUNDED
    tickets[1].save(update_fields=["status"])

    client.force_login(buyer)
    page = client.get(order.get_absolute_url()).content.decode()
    assert reverse("events:ticket_pdf", kwargs={"code": tickets[0].code}) in page
    assert reverse("events:ticket_pdf", kwargs={"code": tickets[1].code}) not in page
