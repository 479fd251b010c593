"""Attendee names are asked at purchase (optional) and editable later by the ticket holder,
as pretix does; a ticket is never named after the e-mail's local part."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.models import Attendee
from events.services.tickets import TicketError, attendee_rename, event_register
from project.accounts.tests.factories import UserFactory

from .factories import TicketTypeFactory, buy, free_ticket_type, user_cart

pytestmark = pytest.mark.django_db


def test_names_typed_when_registering_go_on_the_tickets(client):
    ticket_type = free_ticket_type(quantity=5)
    user = UserFactory(name="Nguyen Hoa", verified=True)
    client.force_login(user)
    page = client.get(ticket_type.event.get_absolute_url()).content.decode()
    assert "Names on the tickets (optional)" in page
    response = client.post(
        reverse("events:register", args=[ticket_type.event.slug]),
        {
            "ticket_type": ticket_type.pk,
            "quantity": 3,
            "token": "token-abc-123",
            "attendee_names": "Tran Bao\r\n\r\n  Le   Minh  ",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("events:my_tickets")
    names = list(Attendee.objects.filter(buyer=user).order_by("pk").values_list("name", flat=True))
    assert names == ["Tran Bao", "Le Minh", "Nguyen Hoa"]  # the last place takes the buyer's
    html = response.content.decode()
    assert "Tran Bao" in html and "Le Minh" in html


def test_more_names_than_places_are_refused_with_a_message(client):
    ticket_type = free_ticket_type(quantity=5)
    user = UserFactory(verified=True)
    client.force_login(user)
    response = client.post(
        reverse("events:register", args=[ticket_type.event.slug]),
        {
            "ticket_type": ticket_type.pk,
            "quantity": 1,
            "token": "token-abc-123",
            "attendee_names": "One\nTwo",
        },
        follow=True,
    )
    assert "Give at most one name a place." in response.content.decode()
    assert not Attendee.objects.exists()
    with pytest.raises(TicketError, match="at most 150"):
        event_register(
            cart=user_cart(user),
            user=user,
            ticket_type=ticket_type,
            quantity=1,
            idempotency_key="long-name-1",
            attendee_names=["x" * 151],
        )


def test_without_names_a_ticket_is_never_named_after_the_e_mail(client):
    buyer = UserFactory(email="runner.2031@example.com", name="")
    buy(user=buyer, ticket_type=TicketTypeFactory(), quantity=2)
    tickets = list(Attendee.objects.filter(buyer=buyer))
    assert [ticket.name for ticket in tickets] == ["", ""]
    client.force_login(buyer)
    page = client.get(reverse("events:my_tickets")).content.decode()
    assert 'name="name" value="runner.2031"' not in page
    assert page.count('name="name" value=""') == 2
    assert 'placeholder="Who uses this ticket?"' in page
    # The holder names them later.
    attendee_rename(attendee=tickets[0], user=buyer, name="Pham Quoc Dung")
    tickets[0].refresh_from_db()
    assert tickets[0].name == "Pham Quoc Dung"
