"""Cancelling an event when refunds go wrong, and tickets paid for after a cancel.

Money goes back through the fake VNPAY gateway (shop/tests/fake_vnpay.py), which counts the
refund requests it receives; database failures are injected with a trigger."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from events.models import Attendee, Event, TicketType
from events.services.cancel import event_cancel
from events.services.tickets import TicketError, event_register
from project.accounts.tests.factories import UserFactory
from project.core.models import OutboxMessage
from shop.kinds import FulfilRefused, kind_get
from shop.models import Order, Payment, Refund
from shop.payments.mock import mock_callback_params
from shop.payments.services import payment_confirm
from tests.db_faults import db_refuses

from .factories import TicketTypeFactory, free_ticket_type, order_for, user_cart

pytestmark = pytest.mark.django_db


def vnpay_buy(*, user, ticket_type, quantity) -> Order:
    """Tickets paid through VNPAY (the payment row as the IPN leaves it)."""
    from shop.tests.kinds import pay

    order = order_for(user=user, ticket_type=ticket_type, quantity=quantity)
    payment = pay(order, provider="vnpay")
    payment.provider_transaction = "14123456"
    payment.save(update_fields=["provider_transaction"])
    return order


def canceled_mails(event) -> int:
    return OutboxMessage.objects.filter(
        kind="events_canceled_email", payload__event=event.pk
    ).count()


@pytest.fixture
def sold(fake_vnpay):
    ticket_type = TicketTypeFactory(quantity=10)
    order = vnpay_buy(user=UserFactory(), ticket_type=ticket_type, quantity=2)
    return ticket_type.event, order, fake_vnpay


def test_a_refused_refund_voids_the_tickets_and_only_it_is_retried(sold):
    event, order, gateway = sold
    gateway.refund_answer_code = "94"

    report = event_cancel(event=event, actor=None, reason="Storm warning")
    assert report.refunded_orders == [] and report.tickets_voided == 2
    [(number, why)] = report.failed
    assert number == order.number and "did not refund the money" in why
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.FAILED
    order.refresh_from_db()
    assert "NOT paid out" in order.needs_attention and order.status == Order.Status.PAID
    assert set(Attendee.objects.values_list("status", flat=True)) == {Attendee.Status.CANCELED}
    assert TicketType.objects.get(event=event).sold_or_held == 0
    assert len(gateway.refunds) == 1

    # "Cancel again to retry": the same refund is asked for again, nothing else.
    gateway.refund_answer_code = "00"
    report = event_cancel(event=event, actor=None, reason="Storm warning")
    assert report.refunded_orders == [order.number] and report.failed == []
    assert report.tickets_voided == 0
    assert Refund.objects.get().status == Refund.Status.DONE
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and order.refunded_total == Decimal("500000")
    assert order.needs_attention == ""
    assert len(gateway.refunds) == 2

    report = event_cancel(event=event, actor=None, reason="Storm warning")
    assert report.refunded_orders == [] and report.failed == []
    assert len(gateway.refunds) == 2


def test_a_failure_after_the_payout_is_not_paid_out_again_by_cancelling_again(sold):
    event, order, gateway = sold
    with db_refuses(Refund, operation="UPDATE", when="NEW.status = 'done'"):
        report = event_cancel(event=event, actor=None, reason="Storm warning")
    [(number, why)] = report.failed
    assert number == order.number and "do not refund it again" in why
    assert len(gateway.refunds) == 1
    assert canceled_mails(event) == 0

    report = event_cancel(event=event, actor=None, reason="Storm warning")
    assert report.failed == [] and report.refunded_orders == []
    assert len(gateway.refunds) == 1  # the PENDING refund covers the lines
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.PENDING and refund.reference
    order.refresh_from_db()
    assert "PAID OUT" in order.needs_attention


def test_cancel_e_mails_the_buyer_once_the_money_is_back(sold, django_capture_on_commit_callbacks):
    event, order, gateway = sold
    with django_capture_on_commit_callbacks(execute=False):
        report = event_cancel(event=event, actor=None, reason="Storm warning")
    assert report.refunded_orders == [order.number]
    assert canceled_mails(event) == 1
    assert len(gateway.refunds) == 1


# --- tickets paid for after the event was canceled -------------------------------------------


def test_payment_for_a_canceled_events_tickets_is_refunded_not_fulfilled():
    ticket_type = TicketTypeFactory(quantity=10)
    buyer = UserFactory()
    order = order_for(user=buyer, ticket_type=ticket_type, quantity=2)
    # The order was placed from offers read before the cancel committed, and after the
    # cancel's sweep of unpaid orders: the event is canceled, the order still waits.
    Event.objects.filter(pk=ticket_type.event_id).update(status=Event.Status.CANCELED)
    assert order.status == Order.Status.PENDING_PAYMENT

    payment = Payment.objects.create(
        order=order, provider="mock", reference="TLATECANCEL01", amount=order.total, currency="VND"
    )
    result = payment_confirm(
        provider_code="mock", params=mock_callback_params(payment=payment, approved=True)
    )
    assert (result.code, result.outcome) == ("00", "unapplied")
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.UNAPPLIED
    assert order.status == Order.Status.PENDING_PAYMENT
    assert not Attendee.objects.filter(buyer=buyer).exists()
    refund = Refund.objects.get(payment=payment)
    assert refund.status == Refund.Status.DONE and refund.amount == Decimal("500000")
    assert "refunded automatically" in order.needs_attention


def test_fulfilling_a_line_of_a_canceled_event_is_refused():
    ticket_type = free_ticket_type(quantity=5)
    user = UserFactory()
    order = order_for(user=user, ticket_type=ticket_type, quantity=1)
    Event.objects.filter(pk=ticket_type.event_id).update(status=Event.Status.CANCELED)
    line = order.lines.get()
    with (
        pytest.raises(FulfilRefused, match="The event was canceled."),
        transaction.atomic(),
    ):
        kind_get("ticket").fulfil(order_line=line)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_free_registration_racing_a_cancel_gets_a_clear_error():
    """The registration reads the offers while the cancel's transaction is open; its
    fulfilment then waits on the event row and sees the cancel."""
    ticket_type = free_ticket_type(quantity=5)
    event = ticket_type.event
    user = UserFactory()
    cart = user_cart(user)
    outcome: dict = {}

    def register():
        try:
            outcome["order"] = event_register(
                cart=cart, user=user, ticket_type=ticket_type, quantity=2, idempotency_key="r1"
            )
        except Exception as exc:  # noqa: BLE001 - reported to the test
            outcome["error"] = exc
        finally:
            connection.close()

    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        locked.status = Event.Status.CANCELED
        locked.save(update_fields=["status"])
        thread = threading.Thread(target=register)
        thread.start()
        waited = 0.0
        with connection.cursor() as cursor:
            while waited < 10:
                cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh view in a transaction
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.05)
                waited += 0.05
        assert waited < 10, "the registration never waited for the event row"
    thread.join(20)

    assert isinstance(outcome.get("error"), TicketError), outcome
    assert str(outcome["error"]) == "The event was canceled."
    assert not Order.objects.filter(user=user).exists()
    assert not Attendee.objects.exists()
    assert TicketType.objects.get(pk=ticket_type.pk).sold_or_held == 0
