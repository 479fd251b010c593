"""Composing e-mails (`email_message`, used by every app's e-mail service) and the e-mail
backend of the embedded default: prints to the console and, where the development outbox is
enabled (never under production settings), keeps a copy for /dev/outbox/.

An e-mail is written in its recipient's language, never the language of the request that
caused it (a staff member working in English marks a Vietnamese customer's order paid):
render subject and bodies inside `with in_recipient_language(user=..., language=...):`.
Messages built when the outbox sends them (order e-mails) do this at send time."""

import base64

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.utils import translation

from .language import language_supported
from .text import single_line

SUBJECT_MAX_LENGTH = 150


def email_subject(text: str) -> str:
    """A subject Django can send: one line (a CR or LF from a title would raise
    BadHeaderError at send time and fail the message for good), at most 150 characters."""
    subject = single_line(text)
    if len(subject) > SUBJECT_MAX_LENGTH:
        subject = subject[: SUBJECT_MAX_LENGTH - 1].rstrip() + "…"
    return subject


def email_message(*, subject: str, **kwargs) -> EmailMultiAlternatives:
    """An `EmailMultiAlternatives` whose subject went through `email_subject`. Every
    e-mail service composes its messages here, inside `in_recipient_language(...)` (a lazy
    subject is translated into the language active here)."""
    return EmailMultiAlternatives(subject=email_subject(str(subject)), **kwargs)


def recipient_language(*, user=None, language: str = "") -> str:
    """The language to write to someone in: their profile's, else `language` (what a guest
    used, e.g. `Order.language`), else the site's default."""
    return (
        language_supported(getattr(user, "language", ""))
        or language_supported(language)
        or settings.LANGUAGE_CODE
    )


def in_recipient_language(*, user=None, language: str = ""):
    """`with in_recipient_language(user=order.user, language=order.language):` renders
    what is inside (templates, gettext, dates, money) in the recipient's language."""
    return translation.override(recipient_language(user=user, language=language))


class ConsoleOutboxBackend(ConsoleBackend):
    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        _keep_copies(email_messages)
        return sent


class DevOutboxBackend(ConsoleBackend):
    """Only the development outbox copy, nothing on the console (used while seeding)."""

    def send_messages(self, email_messages):
        _keep_copies(email_messages)
        return len(email_messages)


def email_html(message) -> str:
    """The HTML alternative of a message, or ""."""
    alternatives = getattr(message, "alternatives", [])
    return next((content for content, mimetype in alternatives if mimetype == "text/html"), "")


def email_attachments(message) -> list[dict]:
    """A message's attachments as JSON-safe dicts (content base64-encoded)."""
    return [
        {
            "filename": filename,
            "content": base64.b64encode(
                content if isinstance(content, bytes) else content.encode()
            ).decode(),
            "mimetype": mimetype,
        }
        for filename, content, mimetype in message.attachments
    ]


def _keep_copies(email_messages) -> None:
    from .models import DevEmail

    if not settings.DEV_OUTBOX_ENABLED:
        return
    for message in email_messages:
        DevEmail.objects.create(
            subject=str(message.subject)[:255],
            from_email=message.from_email or "",
            to=", ".join(message.recipients()),
            body_text=message.body or "",
            body_html=email_html(message),
            attachments=email_attachments(message),
        )
