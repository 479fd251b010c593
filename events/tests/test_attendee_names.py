"""Attendee names are asked at purchase (optional) and editable later by the ticket holder,
as pretix does; a ticket is never named after the e-mail's local part."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.models import Attendee
from events.services.tickets import TicketError, attendee_rename, event_register
from project.accounts.tests.factories import UserFactory
from shop.forms_checkout import AttendeeNamesForm
from shop.models import CartLine, Order
from shop.selectors.cart import cart_totals
from shop.services.cart import cart_add
from shop.services.checkout import CheckoutError, order_place

from .factories import TicketTypeFactory, buy, free_ticket_type, pay, user_cart

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


def checkout_with_names(client, ticket_type, quantity, names):
    """Buy paid tickets through the shop's cart and checkout steps, typing `names` (one per
    place) at the payment step; returns the placed order."""
    client.post(
        reverse("shop:cart_add"), {"kind": "ticket", "ref": ticket_type.pk, "quantity": quantity}
    )
    line = CartLine.objects.get(kind="ticket")
    fields = {f"names-{line.pk}-{place}": name for place, name in enumerate(names)}
    response = client.post(reverse("shop:checkout_payment"), {"payment_method": "mock", **fields})
    assert response["Location"] == reverse("shop:checkout_review")
    review = client.get(reverse("shop:checkout_review"))
    client.post(
        reverse("shop:checkout_place"), {"idempotency_key": review.context["idempotency_key"]}
    )
    return Order.objects.get(), review.content.decode()


def test_names_typed_at_checkout_go_on_the_paid_tickets(client):
    ticket_type = TicketTypeFactory(name="Half marathon")
    buyer = UserFactory(name="Nguyen Hoa", verified=True)
    client.force_login(buyer)
    client.post(reverse("shop:cart_add"), {"kind": "ticket", "ref": ticket_type.pk, "quantity": 3})
    page = client.get(reverse("shop:checkout_payment")).content.decode()
    assert "Attendee names (optional)" in page
    assert f"{ticket_type.event.title} · Half marathon · place 3" in page
    CartLine.objects.all().delete()

    order, review = checkout_with_names(client, ticket_type, 3, ["Tran Bao", "", "  Le   Minh "])
    assert "Tran Bao" in review and "Le Minh" in review
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.lines.get().data["attendee_names"] == ["Tran Bao", "", "Le Minh"]
    pay(order)
    names = list(Attendee.objects.filter(buyer=buyer).order_by("pk").values_list("name", flat=True))
    assert names == ["Tran Bao", "Nguyen Hoa", "Le Minh"]  # the blank place takes the buyer's


def test_names_left_blank_at_checkout_never_use_the_e_mail(client):
    buyer = UserFactory(email="runner.2031@example.com", name="", verified=True)
    client.force_login(buyer)
    order, _ = checkout_with_names(client, TicketTypeFactory(), 2, ["", "  "])
    assert "attendee_names" not in order.lines.get().data
    pay(order)
    assert [ticket.name for ticket in Attendee.objects.filter(buyer=buyer)] == ["", ""]


def test_bad_names_at_checkout_are_form_errors(client):
    buyer = UserFactory(verified=True)
    client.force_login(buyer)
    client.post(
        reverse("shop:cart_add"), {"kind": "ticket", "ref": TicketTypeFactory().pk, "quantity": 1}
    )
    line = CartLine.objects.get()
    response = client.post(
        reverse("shop:checkout_payment"),
        {"payment_method": "mock", f"names-{line.pk}-0": "x" * 1000, f"names-{line.pk}-7": "Extra"},
    )
    assert response.status_code == 200
    assert (
        "Ensure this value has at most 150 characters (it has 1000)." in response.content.decode()
    )
    # Nothing was kept: the review sends the buyer back to this step.
    review = client.get(reverse("shop:checkout_review"))
    assert review["Location"] == reverse("shop:checkout_payment")
    # NUL is refused before any view (a 400 page); the form refuses it on its own too.
    response = client.post(
        reverse("shop:checkout_payment"),
        {"payment_method": "mock", f"names-{line.pk}-0": "Tran\x00Bao"},
    )
    assert response.status_code == 400
    item = cart_totals(line.cart).items[0]
    form = AttendeeNamesForm({f"names-{line.pk}-0": "Tran\x00Bao"}, items=[item])
    assert form.errors == {f"names-{line.pk}-0": ["Null characters are not allowed."]}


def test_order_place_refuses_names_that_do_not_fit():
    buyer = UserFactory()
    cart = user_cart(buyer)
    line = cart_add(
        cart=cart, kind="ticket", ref=str(TicketTypeFactory().pk), quantity=2, user=buyer
    )
    options = {"delivery_type": "none", "shipping_address": {}, "payment_method": "mock"}
    for names, message in [
        (["A", "B", "C"], "at most 2 names"),
        (["x" * 151], "at most 150 characters"),
        (["A\x00"], "null characters"),
        ("A, B", "could not be read"),
    ]:
        with pytest.raises(CheckoutError, match=message):
            order_place(
                cart=cart,
                user=buyer,
                idempotency_key="names-1",
                attendee_names={line.pk: names},
                **options,
            )
    assert not Order.objects.exists()
