"""The outbox: e-mails leave after commit, never for a rolled-back change, and a message
whose delivery was lost is sent by the periodic task."""

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from project.core.models import DevEmail, OutboxMessage
from project.core.outbox import email_enqueue, outbox_deliver
from project.core.tasks import outbox_redeliver_stuck

pytestmark = pytest.mark.django_db


def make_email(subject="Your order TS-2026-000001"):
    message = EmailMultiAlternatives(subject, "Plain text body", to=["mai@example.com"])
    message.attach_alternative("<p>HTML body</p>", "text/html")
    message.attach("invoice.pdf", b"%PDF-1.7 fake", "application/pdf")
    return message


def test_email_is_sent_after_commit_with_html_and_attachment(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(message=make_email())
        assert mailoutbox == []  # nothing leaves before commit
    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert sent.subject == "Your order TS-2026-000001"
    assert sent.alternatives[0][1] == "text/html"
    assert sent.attachments[0][0] == "invoice.pdf"
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


def test_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks, mailoutbox):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        email_enqueue(message=make_email())
        raise RuntimeError("the order failed")
    assert mailoutbox == []
    assert not OutboxMessage.objects.exists()


def test_lost_delivery_is_resent_by_the_periodic_task(
    django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.OUTBOX_STUCK_AFTER_SECONDS = 0
    # The process dies after commit, before the task is queued: the row is still pending.
    with django_capture_on_commit_callbacks(execute=False):
        email_enqueue(message=make_email())
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING
    assert outbox_redeliver_stuck() == 1
    assert len(mailoutbox) == 1
    # Running again sends nothing twice.
    assert outbox_redeliver_stuck() == 0
    assert len(mailoutbox) == 1


def test_broker_outage_keeps_the_message_for_later(
    django_capture_on_commit_callbacks, mailoutbox, settings
):
    from kombu import pools

    from project.celery import app

    previous = app.conf.broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        with django_capture_on_commit_callbacks(execute=True):
            email_enqueue(message=make_email())
    finally:
        # Drop the connections made to the dead broker so later tests get fresh pools.
        app.conf.broker_url = previous
        app.pool.force_close_all()
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.PENDING
    assert mailoutbox == []
    assert outbox_deliver(message_pk=message.pk) is True
    assert len(mailoutbox) == 1


def test_failing_delivery_is_retried_then_marked_failed(settings, mailoutbox):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    settings.EMAIL_BACKEND = "project.core.tests.test_outbox.BrokenBackend"
    message = OutboxMessage.objects.create(
        kind="email", payload={"subject": "s", "body": "b", "to": ["a@example.com"]}
    )
    assert outbox_deliver(message_pk=message.pk) is False
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 1)
    assert "SMTP down" in message.last_error
    outbox_deliver(message_pk=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED


def test_console_backend_keeps_a_copy_for_the_dev_outbox(settings, client):
    settings.EMAIL_BACKEND = "project.core.mail.ConsoleOutboxBackend"
    make_email("Confirm your e-mail").send()
    email = DevEmail.objects.get()
    assert email.to == "mai@example.com"
    assert email.body_html == "<p>HTML body</p>"
    page = client.get("/dev/outbox/")
    assert "Confirm your e-mail" in page.content.decode()
    settings.DEV_OUTBOX_ENABLED = False
    assert client.get("/dev/outbox/").status_code == 404


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("SMTP down")


def test_no_copy_is_kept_where_the_development_outbox_is_off(settings):
    # Production without EMAIL_HOST still uses the console backend: no clear copy of a
    # reset link may land in the database there.
    settings.EMAIL_BACKEND = "project.core.mail.ConsoleOutboxBackend"
    settings.DEV_OUTBOX_ENABLED = False
    make_email("Reset your password").send()
    assert not DevEmail.objects.exists()
