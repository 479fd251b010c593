"""The outbox: side effects that must survive a broker outage.

`outbox_enqueue` writes a row in the caller's transaction and, after commit, asks Celery to
deliver it. If the broker cannot be reached the row stays pending and the periodic task
`outbox_redeliver_stuck` sends it later.

Delivery is claim-and-send: a short transaction marks the row `sending` with a lease
(`outbox_claim`, skip locked), the handler renders and sends outside any transaction, then
the row is marked sent. A second worker racing for the row finds it claimed and does
nothing; a worker that dies mid-send leaves a lease that expires, and the row is claimable
again.

One style for every kind: the payload names rows (`{"order": 42}`) and the handler renders
the message when it sends it, from the rows as they are then. `email_enqueue`, which stores a
built message, is kept for e-mails that have no row to render from.

Handlers are registered per kind; e-mails are the first kind.

A kind whose payload carries secrets or personal data (e-mail: bodies with password-reset
and confirmation links) registers with `sealed=True`: its payload is encrypted at rest with
a key derived from SECRET_KEY (`project.core.sealing`), and blanked once delivered. So a
rendered e-mail exists in the database only until it is sent, and only encrypted. Kinds that
store primary keys stay plain.
"""

import base64
import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .mail import email_attachments, email_html
from .models import OutboxMessage
from .sealing import text_open, text_seal

logger = logging.getLogger("tessera.outbox")

_handlers: dict[str, Callable[[dict], None]] = {}
_sealed_kinds: set[str] = set()
SEALED = "sealed"


def outbox_handler(kind: str, *, sealed: bool = False):
    def register(func):
        _handlers[kind] = func
        if sealed:
            _sealed_kinds.add(kind)
        return func

    return register


def payload_seal(payload: dict) -> dict:
    """The stored form of a payload: `{"sealed": <token>}`, unreadable without SECRET_KEY."""
    return {SEALED: text_seal(json.dumps(payload), purpose="outbox.payload")}


def payload_open(stored: dict) -> dict:
    """The payload a handler gets. Rows written before sealing existed pass through."""
    if SEALED not in stored:
        return stored
    return json.loads(text_open(stored[SEALED], purpose="outbox.payload"))


def outbox_enqueue(*, kind: str, payload: dict) -> OutboxMessage:
    if kind not in _handlers:
        raise ValueError(f"No outbox handler for {kind!r}.")
    if kind in _sealed_kinds:
        payload = payload_seal(payload)
    message = OutboxMessage.objects.create(kind=kind, payload=payload)
    transaction.on_commit(lambda: _schedule(message.pk))
    return message


# Until when (time.monotonic()) this process leaves the broker alone after a failed publish:
# a hung broker would otherwise cost every request its full timeout.
_broker_down_until = 0.0


def _schedule(message_pk: int) -> None:
    global _broker_down_until
    from .tasks import outbox_deliver

    if not settings.CELERY_TASK_ALWAYS_EAGER and time.monotonic() < _broker_down_until:
        logger.info("broker failed a moment ago; will redeliver later", extra={"pk": message_pk})
        return
    try:
        outbox_deliver.apply_async(args=[message_pk], retry=False)
    except Exception:  # the broker is down: the periodic task will pick it up
        _broker_down_until = time.monotonic() + settings.REDIS_RETRY_SECONDS
        logger.warning("outbox enqueue failed; will redeliver later", extra={"pk": message_pk})


def outbox_claim(*, message_pk: int) -> OutboxMessage | None:
    """Take one message for sending: a pending row, or a sending one whose lease ran out (its
    worker died). In one short transaction the row becomes `sending` with a lease of
    OUTBOX_LEASE_SECONDS, so a second worker racing for it gets None. Lock: the row
    (`select_for_update(skip_locked=True)`), held only for this update."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now), pk=message_pk)
            .first()
        )
        if message is None:
            return None
        message.status = OutboxMessage.Status.SENDING
        message.lease_until = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        message.attempts += 1
        message.save(update_fields=["status", "lease_until", "attempts"])
    return message


def _claimable(now) -> Q:
    return Q(status=OutboxMessage.Status.PENDING) | Q(
        status=OutboxMessage.Status.SENDING, lease_until__lt=now
    )


def outbox_deliver(*, message_pk: int) -> bool:
    """Claim, send, mark. Returns True if the message was sent now.

    The handler renders and sends outside any transaction of ours (an invoice PDF or a slow
    SMTP server holds no row lock). Delivery is at least once: a worker that dies after
    sending but before marking leaves the row to be claimed again when its lease expires."""
    message = outbox_claim(message_pk=message_pk)
    if message is None:
        return False
    claimed = OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.SENDING)
    try:
        _handlers[message.kind](payload_open(message.payload))
    except Exception as exc:
        logger.exception("outbox delivery failed", extra={"pk": message.pk})
        failed = message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        claimed.update(
            status=OutboxMessage.Status.FAILED if failed else OutboxMessage.Status.PENDING,
            lease_until=None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return False
    sent = {"status": OutboxMessage.Status.SENT, "sent_at": timezone.now(), "lease_until": None}
    if message.kind in _sealed_kinds:
        sent["payload"] = {}  # delivered: nothing left to read, links included
    claimed.update(**sent)
    return True


def outbox_redeliver_stuck() -> int:
    """Deliver pending messages older than OUTBOX_STUCK_AFTER_SECONDS and sending ones whose
    lease expired. Returns how many were sent."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)
    pks = OutboxMessage.objects.filter(
        Q(status=OutboxMessage.Status.PENDING, created__lte=cutoff)
        | Q(status=OutboxMessage.Status.SENDING, lease_until__lt=now)
    ).values_list("pk", flat=True)[:500]
    return sum(outbox_deliver(message_pk=pk) for pk in list(pks))


# --- e-mail ------------------------------------------------------------------------------


def email_enqueue(*, message: EmailMultiAlternatives) -> OutboxMessage:
    """Queue a built e-mail (text, optional HTML alternative, attachments)."""
    payload = {
        "subject": str(message.subject),
        "body": message.body,
        "html": email_html(message),
        "from_email": message.from_email,
        "to": list(message.to),
        "reply_to": list(message.reply_to),
        "attachments": email_attachments(message),
    }
    return outbox_enqueue(kind="email", payload=payload)


@outbox_handler("email", sealed=True)
def _send_email(payload: dict) -> None:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload.get("from_email") or settings.DEFAULT_FROM_EMAIL,
        to=payload["to"],
        reply_to=payload.get("reply_to") or None,
    )
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    for item in payload.get("attachments", []):
        message.attach(item["filename"], base64.b64decode(item["content"]), item["mimetype"])
    message.send()
