"""Claim-and-send: a message is rendered and sent outside any transaction, a worker that died
mid-send leaves a lease that expires, and two workers racing for one message send it once."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from project.core import outbox
from project.core.models import OutboxMessage
from project.core.outbox import outbox_deliver, outbox_redeliver_stuck

pytestmark = pytest.mark.django_db

PROBE = "test_outbox_probe"
sends: list[dict] = []


@outbox.outbox_handler(PROBE)
def _probe(payload: dict) -> None:
    sends.append(
        {
            "payload": payload,
            "in_transaction": connection.in_atomic_block,
            "status": OutboxMessage.objects.get(pk=payload["pk"]).status,
        }
    )
    time.sleep(payload.get("sleep", 0))


@pytest.fixture(autouse=True)
def _clear_sends():
    sends.clear()


def probe_message(*, sleep: float = 0, **fields) -> OutboxMessage:
    message = OutboxMessage.objects.create(kind=PROBE, payload={}, **fields)
    message.payload = {"pk": message.pk, "sleep": sleep}
    message.save(update_fields=["payload"])
    return message


@pytest.mark.django_db(transaction=True)
def test_the_handler_runs_outside_any_transaction_with_the_row_claimed():
    message = probe_message()
    assert outbox_deliver(message_pk=message.pk) is True
    assert sends == [
        {"payload": {"pk": message.pk, "sleep": 0}, "in_transaction": False, "status": "sending"}
    ]
    message.refresh_from_db()
    assert (message.status, message.lease_until, message.attempts) == ("sent", None, 1)


def test_a_message_claimed_by_a_live_worker_is_left_alone():
    message = probe_message(
        status=OutboxMessage.Status.SENDING, lease_until=timezone.now() + timedelta(minutes=5)
    )
    assert outbox_deliver(message_pk=message.pk) is False
    assert outbox_redeliver_stuck() == 0
    assert sends == []


def test_an_expired_lease_makes_the_message_claimable_again():
    # The worker that claimed it died before marking it sent.
    message = probe_message(
        status=OutboxMessage.Status.SENDING,
        lease_until=timezone.now() - timedelta(seconds=1),
        attempts=1,
    )
    assert outbox_redeliver_stuck() == 1
    assert len(sends) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert outbox_redeliver_stuck() == 0


def test_a_failed_send_releases_the_claim_for_a_retry(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = OutboxMessage.objects.create(kind=PROBE, payload={})  # no "pk": the handler fails
    assert outbox_deliver(message_pk=message.pk) is False
    message.refresh_from_db()
    assert (message.status, message.lease_until) == ("pending", None)
    assert "KeyError" in message.last_error


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_message_send_it_once():
    message = probe_message(sleep=0.3)
    barrier = threading.Barrier(2)
    results = []

    def worker():
        barrier.wait()
        try:
            results.append(outbox_deliver(message_pk=message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, True]
    assert len(sends) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)
