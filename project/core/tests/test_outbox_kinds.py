"""One outbox style: rows name the rows an e-mail is about and the e-mail is rendered when it
is sent, so no row holds a rendered body; and a worker that only sets Django up knows every
kind the code queues."""

import json
import os
import subprocess
import sys

import pytest

from project.accounts.tests.factories import UserFactory
from project.core.models import OutboxMessage
from project.core.outbox import payload_open
from shop.services.inventory import low_stock_alert_send
from shop.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

KINDS = {
    "account_email",
    "events_canceled_email",
    "events_cancel_run",
    "events_tickets_email",
    "shop_low_stock_email",
    "shop_order_email",
    "support_missed_reply_email",
}


def test_a_worker_knows_every_kind_after_django_setup(settings):
    script = (
        "import json, django; django.setup(); from project.core.outbox import _handlers; "
        "print(json.dumps(sorted(_handlers)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE},
    ).stdout
    assert set(json.loads(out.strip().splitlines()[-1])) >= KINDS


def test_the_low_stock_email_is_rendered_from_the_product_as_it_is_when_sent(
    django_capture_on_commit_callbacks, mailoutbox
):
    UserFactory(email="stock@tessera.test", roles=["staff"])
    product = ProductFactory(name="Gateron Yellow", stock=2, low_stock_threshold=5)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        low_stock_alert_send(product_id=product.pk)
    assert OutboxMessage.objects.get().payload == {"product": product.pk}
    product.name = "Gateron Yellow Pro"
    product.save(update_fields=["name"])
    for callback in queued:
        callback()
    assert [mail.subject for mail in mailoutbox] == ["Low stock: Gateron Yellow Pro (2 available)"]
    assert mailoutbox[0].to == ["stock@tessera.test"]


def test_account_emails_store_the_template_and_its_values_not_a_body(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    UserFactory(email="mai@example.com")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post("/accounts/password/reset/", {"email": "mai@example.com"})
    payload = payload_open(OutboxMessage.objects.get(kind="account_email").payload)
    assert payload["template_prefix"] == "account/email/password_reset_key"
    assert "body" not in payload and "html" not in payload
    assert "/accounts/password/reset/key/" in payload["context"]["password_reset_url"]
    for callback in queued:
        callback()
    assert len(mailoutbox) == 1
    assert payload["context"]["password_reset_url"] in mailoutbox[0].body
