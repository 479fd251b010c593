"""`verified_email_required`: checkout and free event registration need a verified
address; the user is sent to the e-mail page with a message saying why."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from events.tests.factories import TicketTypeFactory
from project.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHECKOUT_STEPS = [
    "shop:checkout",
    "shop:checkout_address",
    "shop:checkout_payment",
    "shop:checkout_review",
]


@pytest.mark.parametrize("step", CHECKOUT_STEPS)
def test_an_unverified_address_cannot_check_out(client, step):
    client.force_login(UserFactory(verified=False))
    response = client.get(reverse(step))
    assert response.status_code == 302 and response.url == reverse("account_email")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Please verify your e-mail address before checking out."
    ]


def test_htmx_requests_are_sent_to_the_email_page_as_a_whole_page(client):
    client.force_login(UserFactory(verified=False))
    response = client.get(reverse("shop:checkout"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("account_email")


def test_anonymous_visitors_sign_in_first_and_verified_ones_go_on(client):
    response = client.get(reverse("shop:checkout"))
    assert response.url.startswith(reverse("account_login"))
    client.force_login(UserFactory(verified=True))
    response = client.get(reverse("shop:checkout"))
    assert response.url == reverse("shop:cart")  # past the check: the cart is empty


def test_an_unverified_address_cannot_register_for_a_free_event(client):
    ticket_type = TicketTypeFactory(price=0)
    client.force_login(UserFactory(verified=False))
    response = client.post(
        reverse("events:register", args=[ticket_type.event.slug]),
        {"ticket_type": ticket_type.pk, "quantity": 1},
    )
    assert response.url == reverse("account_email")
    assert not ticket_type.event.ticket_types.filter(attendees__isnull=False).exists()
