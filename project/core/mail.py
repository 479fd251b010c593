"""E-mail backend of the embedded default: prints to the console and keeps a copy for the
development outbox page (/dev/outbox/)."""

import base64

from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class ConsoleOutboxBackend(ConsoleBackend):
    def send_messages(self, email_messages):
        from .models import DevEmail

        sent = super().send_messages(email_messages)
        for message in email_messages:
            html = next(
                (
                    c
                    for c, mimetype in getattr(message, "alternatives", [])
                    if mimetype == "text/html"
                ),
                "",
            )
            DevEmail.objects.create(
                subject=str(message.subject)[:255],
                from_email=message.from_email or "",
                to=", ".join(message.recipients()),
                body_text=message.body or "",
                body_html=html,
                attachments=[
                    {
                        "filename": name,
                        "mimetype": mimetype,
                        "content": base64.b64encode(
                            content if isinstance(content, bytes) else content.encode()
                        ).decode(),
                    }
                    for name, content, mimetype in message.attachments
                ],
            )
        return sent
