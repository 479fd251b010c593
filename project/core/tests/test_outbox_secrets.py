"""Issue 9 §1: staff could read a superuser's password-reset link in the admin's outbox page
and take the account over. The attack, end to end, and what the outbox stores."""

import re

import pytest
from django.db import connection

from project.accounts.tests.factories import UserFactory
from project.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"https?://\S+/accounts/password/reset/key/\S+")


@pytest.fixture
def superuser():
    return UserFactory(email="admin@tessera.test", is_superuser=True, is_staff=True)


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(email="staff@tessera.test", roles=["staff"]))
    return client


def stored_payload(message) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM core_outboxmessage WHERE id = %s", [message.pk])
        return str(cursor.fetchone()[0])


def test_staff_cannot_read_a_reset_link_from_the_outbox(
    superuser, staff_client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as delivery:
        response = staff_client.__class__().post(
            "/accounts/password/reset/", {"email": "admin@tessera.test"}
        )
    assert response.status_code == 302
    message = OutboxMessage.objects.get(kind="account_email")

    # Staff open the outbox row and its list: refused, and nothing of the mail is shown.
    for url in (
        f"/admin/core/outboxmessage/{message.pk}/change/",
        "/admin/core/outboxmessage/",
    ):
        page = staff_client.get(url)
        assert page.status_code == 403, url
        assert "password/reset/key" not in page.content.decode()
    assert "outboxmessage" not in staff_client.get("/admin/").content.decode()

    # Not in clear in the database either: the pending row is sealed.
    raw = stored_payload(message)
    assert "password/reset/key" not in raw
    assert "admin@tessera.test" not in raw

    # Delivery opens the seal; the owner gets a working link and the row keeps no body.
    for callback in delivery:
        callback()
    (mail,) = mailoutbox
    link = RESET_LINK.search(mail.body).group(0)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.payload == {}
    assert link.split("/accounts/")[1] not in stored_payload(message)

    # The link still works for its owner.
    form = staff_client.__class__().get(link, follow=True)
    assert form.status_code == 200 and b"password1" in form.content

    # Even a superuser's view of the delivered row shows no link.
    admin_client = staff_client.__class__()
    admin_client.force_login(superuser)
    page = admin_client.get(f"/admin/core/outboxmessage/{message.pk}/change/")
    assert page.status_code == 200
    assert "password/reset/key" not in page.content.decode()


def test_a_failed_email_can_be_retried_and_still_delivers(
    superuser, client, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.EMAIL_BACKEND = "project.core.tests.test_outbox.BrokenBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "admin@tessera.test"})
    message = OutboxMessage.objects.get(kind="account_email")
    assert message.status == OutboxMessage.Status.FAILED
    assert "password/reset/key" not in stored_payload(message)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(superuser)
    client.post(
        "/admin/core/outboxmessage/",
        {"action": "requeue", "_selected_action": [message.pk]},
    )
    from project.core.outbox import outbox_deliver

    assert outbox_deliver(message_pk=message.pk) is True
    assert RESET_LINK.search(mailoutbox[-1].body)
