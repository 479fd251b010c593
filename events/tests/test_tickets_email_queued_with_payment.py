""" "Your tickets" is written in the transaction that pays the order (the ticket kind's
`fulfil`), not by an after-commit receiver in a transaction of its own: a crash between
commit and the receiver can no longer lose it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from events.services.emails import TICKETS_EMAIL
from project.accounts.tests.factories import UserFactory
from project.core.models import OutboxMessage
from shop.kinds import FulfilRefused, kind_get
from shop.models import Order
from shop.services.orders import order_pay
from shop.tests.kinds import order_for

from .factories import TicketTypeFactory

pytestmark = pytest.mark.django_db


def tickets_emails(order) -> int:
    return OutboxMessage.objects.filter(kind=TICKETS_EMAIL, payload={"order": order.pk}).count()


def test_the_tickets_email_is_queued_before_the_payment_commits():
    early, late = TicketTypeFactory(name="Early"), TicketTypeFactory(name="Late")
    order = order_for(
        UserFactory(), ("ticket", early.pk, 2), ("ticket", late.pk, 1), delivery_type="none"
    )
    assert order.total == Decimal("750000")

    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        order_pay(order=locked, payment=None)
        # Still inside the paying transaction: one e-mail for both ticket lines.
        assert tickets_emails(order) == 1

    for line in order.lines.all():  # a second fulfilment queues nothing more
        kind_get("ticket").fulfil(order_line=line)
    assert tickets_emails(order) == 1


def test_a_refused_payment_leaves_no_tickets_email():
    ticket_type = TicketTypeFactory()
    order = order_for(UserFactory(), ("ticket", ticket_type.pk, 1), delivery_type="none")
    ticket_type.event.status = "canceled"
    ticket_type.event.save(update_fields=["status"])

    with pytest.raises(FulfilRefused, match="The event was canceled."), transaction.atomic():
        order_pay(order=Order.objects.select_for_update().get(pk=order.pk), payment=None)

    assert tickets_emails(order) == 0
