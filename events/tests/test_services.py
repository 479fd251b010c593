"""Ticket rules through the real cart, checkout, payment and refund services."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from events.models import Attendee, Event, TicketType
from events.services.cancel import event_cancel
from events.services.checkin import TicketNotFound, ticket_checkin
from events.services.events import (
    EventError,
    event_create,
    event_publish,
    ticket_type_create,
    ticket_type_update,
)
from events.services.tickets import (
    CartHasOtherItems,
    TicketError,
    attendee_rename,
    event_register,
)
from project.accounts.tests.factories import UserFactory
from project.organizations.tests.factories import OrganizationFactory
from shop.kinds import NotAvailable, kind_get
from shop.models import Order, Refund
from shop.services.cart import CartError, cart_add
from shop.services.orders import order_expire_overdue
from shop.services.refunds import order_refund
from shop.tests.factories import ProductFactory

from .factories import (
    EventFactory,
    LocationFactory,
    TicketTypeFactory,
    buy,
    free_ticket_type,
    order_for,
    pay,
    user_cart,
)

pytestmark = pytest.mark.django_db


def tickets_of(user):
    return Attendee.objects.filter(buyer=user)


# --- the kind ------------------------------------------------------------------------------


def test_offers_come_in_one_query_with_price_and_what_is_left(django_assert_num_queries):
    first = TicketTypeFactory(quantity=10, sold_or_held=7)
    second = TicketTypeFactory(price=Decimal("0"), quantity=5)
    with django_assert_num_queries(1):
        offers = kind_get("ticket").offers([str(first.pk), str(second.pk), "nope", "999999"])
    assert set(offers) == {str(first.pk), str(second.pk)}
    assert offers[str(first.pk)].available == 3
    assert offers[str(first.pk)].unit_price == Decimal("250000")
    assert offers[str(first.pk)].organization_id == first.event.organization_id
    assert not offers[str(first.pk)].is_physical


def test_hold_refuses_more_than_is_left_and_says_how_many():
    ticket_type = TicketTypeFactory(quantity=3)
    kind = kind_get("ticket")
    kind.hold(ref=str(ticket_type.pk), quantity=2)
    with pytest.raises(NotAvailable) as refused:
        kind.hold(ref=str(ticket_type.pk), quantity=2)
    assert refused.value.available == 1
    kind.release(ref=str(ticket_type.pk), quantity=2)
    ticket_type.refresh_from_db()
    assert ticket_type.sold_or_held == 0


@pytest.mark.parametrize(
    ("window", "sellable"),
    [
        ({"sales_start": -2, "sales_end": 2}, True),
        ({"sales_start": 1}, False),  # not open yet
        ({"sales_end": -1}, False),  # closed
        ({}, True),  # no window: until the event ends
    ],
)
def test_sales_window_is_enforced_when_adding_to_the_cart(window, sellable):
    now = timezone.now()
    ticket_type = TicketTypeFactory(
        **{key: now + timedelta(days=days) for key, days in window.items()}
    )
    user = UserFactory()
    if sellable:
        line = cart_add(cart=user_cart(user), kind="ticket", ref=str(ticket_type.pk), quantity=1)
        assert line.held_quantity == 1
    else:
        with pytest.raises(CartError, match="not on sale"):
            cart_add(cart=user_cart(user), kind="ticket", ref=str(ticket_type.pk), quantity=1)
        ticket_type.refresh_from_db()
        assert ticket_type.sold_or_held == 0


def test_tickets_of_a_past_or_draft_event_are_not_sold():
    past = TicketTypeFactory(
        event=EventFactory(
            starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1)
        )
    )
    draft = TicketTypeFactory(event=EventFactory(status=Event.Status.DRAFT))
    assert kind_get("ticket").offers([str(past.pk), str(draft.pk)]) == {}
    with pytest.raises(NotAvailable):
        kind_get("ticket").hold(ref=str(draft.pk), quantity=1)


# --- buying --------------------------------------------------------------------------------


def test_a_paid_order_issues_one_attendee_per_ticket_with_unguessable_codes():
    ticket_type = TicketTypeFactory(quantity=10)
    buyer = UserFactory(name="Mai Anh")
    order = buy(user=buyer, ticket_type=ticket_type, quantity=3)
    assert order.status == Order.Status.PAID
    tickets = list(tickets_of(buyer))
    assert len(tickets) == 3
    assert {ticket.status for ticket in tickets} == {Attendee.Status.PAID}
    assert {ticket.name for ticket in tickets} == {"Mai Anh"}
    codes = {ticket.code for ticket in tickets}
    assert len(codes) == 3
    # token_urlsafe(24): 32 characters of base64url = 192 random bits.
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", code) for code in codes)
    ticket_type.refresh_from_db()
    assert ticket_type.sold_or_held == 3


def test_late_payment_after_the_hold_expired_is_refused_when_sold_out():
    ticket_type = TicketTypeFactory(quantity=2)
    late, early = UserFactory(), UserFactory()
    late_order = order_for(user=late, ticket_type=ticket_type, quantity=2)
    Order.objects.filter(pk=late_order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert order_expire_overdue() == 1
    ticket_type.refresh_from_db()
    assert ticket_type.sold_or_held == 0  # the expired order gave its tickets back

    buy(user=early, ticket_type=ticket_type, quantity=2)
    late_order.refresh_from_db()
    result = pay(late_order)

    assert result.outcome == "unapplied"
    assert late_order.status == Order.Status.CANCELED
    assert not tickets_of(late).exists()
    assert tickets_of(early).count() == 2
    ticket_type.refresh_from_db()
    assert ticket_type.sold_or_held == 2


def test_late_payment_is_accepted_while_tickets_are_left():
    ticket_type = TicketTypeFactory(quantity=5)
    buyer = UserFactory()
    order = order_for(user=buyer, ticket_type=ticket_type, quantity=2)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    order_expire_overdue()
    order.refresh_from_db()
    assert pay(order).outcome == "paid"
    assert tickets_of(buyer).count() == 2
    ticket_type.refresh_from_db()
    assert ticket_type.sold_or_held == 2


def test_refund_voids_that_many_tickets_and_frees_their_places():
    ticket_type = TicketTypeFactory(quantity=5)
    buyer = UserFactory()
    order = buy(user=buyer, ticket_type=ticket_type, quantity=3)
    line = order.lines.get()
    refund = order_refund(order=order, actor=None, lines={line.pk: 2}, reason="Two cannot come")
    assert refund.amount == Decimal("500000")
    statuses = sorted(tickets_of(buyer).values_list("status", flat=True))
    assert statuses == ["paid", "refunded", "refunded"]
    ticket_type.refresh_from_db()
    assert ticket_type.sold_or_held == 1


# --- free registration ---------------------------------------------------------------------


def test_free_registration_is_a_zero_total_order_that_holds_capacity():
    ticket_type = free_ticket_type(quantity=2)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    order = event_register(
        cart=user_cart(first),
        user=first,
        ticket_type=ticket_type,
        quantity=1,
        idempotency_key="first-click",
    )
    assert order.status == Order.Status.PAID
    assert order.total == 0
    assert tickets_of(first).get().status == Attendee.Status.PAID
    # The same form submitted twice gives the same registration, not a second one.
    again = event_register(
        cart=user_cart(first),
        user=first,
        ticket_type=ticket_type,
        quantity=1,
        idempotency_key="first-click",
    )
    assert again.pk == order.pk
    assert tickets_of(first).count() == 1

    event_register(
        cart=user_cart(second),
        user=second,
        ticket_type=ticket_type,
        quantity=1,
        idempotency_key="x" * 12,
    )
    with pytest.raises(TicketError, match="sold out"):
        event_register(
            cart=user_cart(third),
            user=third,
            ticket_type=ticket_type,
            quantity=1,
            idempotency_key="y" * 12,
        )
    ticket_type.refresh_from_db()
    assert ticket_type.sold_or_held == 2
    assert not tickets_of(third).exists()
    assert not Order.objects.filter(user=third).exists()


def test_free_registration_does_not_check_out_other_cart_items():
    ticket_type = free_ticket_type()
    user = UserFactory()
    product = ProductFactory(price=Decimal("100000"), currency="VND", stock=5)
    cart_add(cart=user_cart(user), kind="product", ref=str(product.pk), quantity=1, user=user)
    with pytest.raises(CartHasOtherItems):
        event_register(
            cart=user_cart(user),
            user=user,
            ticket_type=ticket_type,
            quantity=1,
            idempotency_key="z" * 12,
        )
    assert not Order.objects.filter(user=user).exists()


def test_registration_refuses_a_ticket_that_costs_money():
    ticket_type = TicketTypeFactory()
    user = UserFactory()
    with pytest.raises(TicketError, match="not free"):
        event_register(
            cart=user_cart(user),
            user=user,
            ticket_type=ticket_type,
            quantity=1,
            idempotency_key="k" * 12,
        )


# --- names ---------------------------------------------------------------------------------


def test_the_buyer_renames_an_attendee_until_the_event_starts():
    ticket_type = TicketTypeFactory()
    buyer, other = UserFactory(), UserFactory()
    buy(user=buyer, ticket_type=ticket_type)
    ticket = tickets_of(buyer).get()
    attendee_rename(attendee=ticket, user=buyer, name="  Tran   Bao ")
    ticket.refresh_from_db()
    assert ticket.name == "Tran Bao"
    with pytest.raises(TicketError, match="Only the buyer"):
        attendee_rename(attendee=ticket, user=other, name="Someone")
    Event.objects.filter(pk=ticket_type.event_id).update(
        starts_at=timezone.now() - timedelta(minutes=5)
    )
    with pytest.raises(TicketError, match="has started"):
        attendee_rename(attendee=ticket, user=buyer, name="Too Late")


# --- check-in ------------------------------------------------------------------------------


def test_a_second_check_in_is_refused_with_the_time_of_the_first():
    ticket_type = TicketTypeFactory()
    buyer, door = UserFactory(), UserFactory()
    buy(user=buyer, ticket_type=ticket_type)
    ticket = tickets_of(buyer).get()
    organization = ticket_type.event.organization

    first = ticket_checkin(organization=organization, code=ticket.code, actor=door)
    second = ticket_checkin(organization=organization, code=ticket.code, actor=door)

    assert first.outcome == "checked_in"
    assert second.outcome == "already"
    ticket.refresh_from_db()
    when = timezone.localtime(ticket.checked_in_at)
    assert f"Already checked in at {when:%H:%M}" in second.message
    assert ticket.status == Attendee.Status.CHECKED_IN
    assert ticket.checked_in_by == door


def test_check_in_refuses_other_organizations_codes_refunds_and_other_events():
    ticket_type = TicketTypeFactory()
    buyer = UserFactory()
    order = buy(user=buyer, ticket_type=ticket_type, quantity=2)
    first, second = tickets_of(buyer).order_by("pk")
    organization = ticket_type.event.organization

    with pytest.raises(TicketNotFound):
        ticket_checkin(organization=OrganizationFactory(), code=first.code, actor=None)
    with pytest.raises(TicketNotFound):
        ticket_checkin(organization=organization, code="not-a-code", actor=None)

    other_event = EventFactory(organization=organization)
    assert (
        ticket_checkin(
            organization=organization, code=first.code, actor=None, event=other_event
        ).outcome
        == "other_event"
    )
    order_refund(order=order, actor=None, lines={order.lines.get().pk: 1}, reason="One less")
    refunded = Attendee.objects.get(status=Attendee.Status.REFUNDED)
    result = ticket_checkin(organization=organization, code=refunded.code, actor=None)
    assert result.outcome == "invalid" and "refunded" in result.message


# --- organizer writes ----------------------------------------------------------------------


def test_a_draft_is_published_only_when_it_can_be_sold():
    organization = OrganizationFactory()
    event = event_create(
        organization=organization,
        actor=None,
        data={
            "title": "Tennis Ladder",
            "sport_type": "tennis",
            "format": "offline",
            "starts_at": timezone.now() + timedelta(days=3),
            "ends_at": timezone.now() + timedelta(days=3, hours=2),
            "is_free": False,
            "city": "Hanoi",
            "country": "VN",
        },
    )
    assert event.status == Event.Status.DRAFT and event.slug == "tennis-ladder"
    with pytest.raises(EventError, match="ticket type"):
        event_publish(event=event, actor=None)
    ticket_type_create(
        event=event,
        actor=None,
        data={"name": "Player", "price": Decimal("90000"), "currency": "VND", "quantity": 20},
    )
    assert event_publish(event=event, actor=None).status == Event.Status.PUBLISHED


def test_quantity_cannot_drop_below_what_is_sold_and_currencies_do_not_mix():
    ticket_type = TicketTypeFactory(quantity=5)
    buy(user=UserFactory(), ticket_type=ticket_type, quantity=3)
    data = {"name": "Standard", "price": Decimal("250000"), "currency": "VND", "quantity": 2}
    with pytest.raises(EventError, match="cannot be lower"):
        ticket_type_update(ticket_type=ticket_type, actor=None, data=data)
    assert (
        ticket_type_update(
            ticket_type=ticket_type, actor=None, data={**data, "quantity": 3}
        ).quantity
        == 3
    )
    with pytest.raises(EventError, match="one currency"):
        ticket_type_create(
            event=ticket_type.event,
            actor=None,
            data={"name": "VIP", "price": Decimal("20"), "currency": "USD", "quantity": 5},
        )


# --- e-mails and cancellation ----------------------------------------------------------------


def test_paid_order_e_mails_one_pdf_ticket_per_attendee(
    mailoutbox, django_capture_on_commit_callbacks
):
    ticket_type = TicketTypeFactory(event=LocationFactory().event)
    buyer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        buy(user=buyer, ticket_type=ticket_type, quantity=2)
    tickets_mail = [mail for mail in mailoutbox if mail.subject.startswith("Your tickets")]
    assert len(tickets_mail) == 1
    message = tickets_mail[0]
    assert message.to == [buyer.email]
    assert ticket_type.event.title in message.subject
    pdfs = [item for item in message.attachments if item[2] == "application/pdf"]
    assert len(pdfs) == 2
    assert all(content.startswith(b"%PDF") for _, content, _ in pdfs)


def test_cancelling_an_event_refunds_paid_orders_voids_tickets_and_tells_buyers(
    mailoutbox, django_capture_on_commit_callbacks
):
    ticket_type = TicketTypeFactory(quantity=10)
    event = ticket_type.event
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    organizer = UserFactory()
    alice_order = buy(user=alice, ticket_type=ticket_type, quantity=2)
    bob_order = buy(user=bob, ticket_type=ticket_type, quantity=1)
    carol_order = order_for(user=carol, ticket_type=ticket_type, quantity=1)  # unpaid
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        report = event_cancel(event=event, actor=organizer, reason="Storm warning")

    event.refresh_from_db()
    assert event.status == Event.Status.CANCELED
    assert sorted(report.refunded_orders) == sorted([alice_order.number, bob_order.number])
    assert report.canceled_unpaid == [carol_order.number]
    assert report.failed == []
    for order, amount in ((alice_order, Decimal("500000")), (bob_order, Decimal("250000"))):
        order.refresh_from_db()
        assert order.status == Order.Status.REFUNDED
        refund = Refund.objects.get(order=order)
        assert refund.amount == amount
        assert refund.reference.startswith("MOCKRF")  # went through the provider
    carol_order.refresh_from_db()
    assert carol_order.status == Order.Status.CANCELED
    assert set(Attendee.objects.values_list("status", flat=True)) == {Attendee.Status.CANCELED}
    ticket_type.refresh_from_db()
    assert ticket_type.sold_or_held == 0
    canceled_mail = {
        mail.to[0]: mail for mail in mailoutbox if mail.subject == f"Canceled: {event.title}"
    }
    assert set(canceled_mail) == {alice.email, bob.email}
    assert "Storm warning" in canceled_mail[alice.email].body
    assert "2 tickets are canceled" in canceled_mail[alice.email].body
    # Nothing is on sale any more.
    assert kind_get("ticket").offers([str(ticket_type.pk)]) == {}


def test_cancelling_a_free_event_voids_registrations_without_money():
    ticket_type = free_ticket_type(quantity=5)
    user = UserFactory()
    event_register(
        cart=user_cart(user),
        user=user,
        ticket_type=ticket_type,
        quantity=2,
        idempotency_key="free-cancel",
    )
    report = event_cancel(event=ticket_type.event, actor=None, reason="Venue closed")
    assert len(report.refunded_orders) == 1 and report.tickets_voided == 2
    assert set(tickets_of(user).values_list("status", flat=True)) == {"canceled"}
    assert Refund.objects.get().amount == 0
    assert TicketType.objects.get(pk=ticket_type.pk).sold_or_held == 0
