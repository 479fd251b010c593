"""The outbox of side effects and the development mailbox."""

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """A side effect written in the same transaction as the change that caused it, and
    delivered after commit. If delivery fails or the broker is down, the periodic
    `outbox_redeliver_stuck` task tries again."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=50, db_index=True)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "created"], name="outbox_status_created")]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.status})"


class DevEmail(models.Model):
    """A copy of every e-mail sent with the console backend, shown at /dev/outbox/."""

    subject = models.CharField(max_length=255)
    from_email = models.CharField(max_length=255)
    to = models.TextField()
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "development e-mail"

    def __str__(self):
        return f"{self.subject} → {self.to}"
