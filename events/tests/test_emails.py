"""E-mails about tickets as their receivers get them: subjects that can always be sent, and
the right e-mail for a free registration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from events.models import Event
from events.services.events import event_create, event_update
from project.accounts.tests.factories import UserFactory
from project.core.mail import email_subject
from project.core.models import OutboxMessage
from project.organizations.tests.factories import OrganizationFactory

from .factories import EventFactory, LocationFactory, TicketTypeFactory, buy

pytestmark = pytest.mark.django_db


def test_a_title_saved_with_a_newline_still_gets_its_tickets_e_mailed(
    mailoutbox, django_capture_on_commit_callbacks
):
    # A row from before titles were kept to one line (or written around the services).
    event = EventFactory(title="Sunrise\r\nRun")
    LocationFactory(event=event)
    ticket_type = TicketTypeFactory(event=event)
    buyer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        buy(user=buyer, ticket_type=ticket_type)
    [message] = [mail for mail in mailoutbox if mail.subject.startswith("Your tickets")]
    assert message.subject == "Your tickets: Sunrise Run"
    assert [item[2] for item in message.attachments] == ["application/pdf"]
    message.message()  # the headers Django builds for the SMTP server
    assert not OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).exists()


def test_every_subject_is_one_line_of_at_most_150_characters():
    assert email_subject("Canceled: Sunrise\nRun\r\n") == "Canceled: Sunrise Run"
    long = email_subject("x" * 400)
    assert len(long) == 150 and long.endswith("…")


def test_titles_lose_cr_and_lf_in_the_form_the_services_and_the_admin():
    organization = OrganizationFactory()
    data = {"title": "Night\r\nRide", "starts_at": EventFactory.build().starts_at}
    data["ends_at"] = data["starts_at"]
    event = event_create(organization=organization, actor=None, data=data)
    assert event.title == "Night Ride"
    event_update(event=event, actor=None, data={"title": "Night\nRide\n2026"})
    event.refresh_from_db()
    assert event.title == "Night Ride 2026"

    # The admin's model form runs the model's clean().
    event.title = "Sunrise\r\nRun"
    event.full_clean()
    assert event.title == "Sunrise Run"

    from events.forms import EventForm

    form = EventForm({"title": "Tour\n\nde Saigon"})
    form.is_valid()
    assert form.cleaned_data["title"] == "Tour de Saigon"


def test_the_migration_puts_existing_titles_on_one_line():
    broken = EventFactory(title="Sunrise\nRun\r\n10K")
    fine = EventFactory(title="Night Ride")
    migration = importlib.import_module("events.migrations.0003_event_title_single_line")
    migration.titles_single_line(apps, None)
    assert Event.objects.get(pk=broken.pk).title == "Sunrise Run 10K"
    assert Event.objects.get(pk=fine.pk).title == "Night Ride"


def test_a_free_registration_gets_a_registration_e_mail_and_no_payment_receipt(
    mailoutbox, django_capture_on_commit_callbacks
):
    from events.services.tickets import event_register

    from .factories import free_ticket_type, user_cart

    ticket_type = free_ticket_type(event_kwargs={"title": "Morning Yoga"})
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = event_register(
            cart=user_cart(user),
            user=user,
            ticket_type=ticket_type,
            quantity=2,
            idempotency_key="yoga-registration",
        )
    subjects = [mail.subject for mail in mailoutbox]
    assert subjects == ["You are registered: Morning Yoga"]
    [message] = mailoutbox
    assert "nothing to pay" in message.body and order.number in message.body
    assert "Payment received" not in message.body and "0 VND" not in message.body
    assert [item[2] for item in message.attachments] == ["application/pdf"] * 2
    assert "You are registered" in message.alternatives[0][0]


def test_a_paid_ticket_order_still_gets_the_receipt_with_its_invoice(
    mailoutbox, django_capture_on_commit_callbacks
):
    ticket_type = TicketTypeFactory(event=LocationFactory(event__title="Night Run").event)
    with django_capture_on_commit_callbacks(execute=True):
        order = buy(user=UserFactory(), ticket_type=ticket_type)
    by_subject = {mail.subject: mail for mail in mailoutbox}
    assert set(by_subject) >= {
        f"Payment received for order {order.number}",
        "Your tickets: Night Run",
    }
    receipt = by_subject[f"Payment received for order {order.number}"]
    assert any(item[0].endswith(".pdf") for item in receipt.attachments)
