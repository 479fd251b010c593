"""The outbox of side effects, the development mailbox and the audit log."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A side effect written in the same transaction as the change that caused it, and
    delivered after commit by claim-and-send (`project.core.outbox`). If delivery fails, the
    broker is down or a worker dies mid-send, the periodic `outbox_redeliver_stuck` task
    tries again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=50, db_index=True)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # While `sending`: the time after which the worker that claimed it is presumed dead.
    lease_until = models.DateTimeField(null=True, blank=True)
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
        verbose_name = _("development e-mail")

    def __str__(self):
        return f"{self.subject} → {self.to}"


class AuditEntry(models.Model):
    """One staff action: who did what to which object, written by `audit_log` in the same
    transaction as the change. Append-only; `data` never holds secrets."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=64, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["content_type", "object_id", "created"], name="audit_object"),
        ]

    def __str__(self):
        return f"{self.action} {self.object_repr}"
