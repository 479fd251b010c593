from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Payment(models.Model):
    """One payment attempt. `reference` is unique per attempt (VNPAY's vnp_TxnRef)."""

    class Status(models.TextChoices):
        INITIATED = "initiated", _("Initiated")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        # Money arrived but the order could not take it (e.g. expired): refund or review.
        UNAPPLIED = "unapplied", _("Received, not applied")

    order = models.ForeignKey("shop.Order", on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=20)
    reference = models.CharField(max_length=64, unique=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.INITIATED, db_index=True
    )
    provider_transaction = models.CharField(max_length=64, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.provider} {self.reference} ({self.status})"


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    order = models.ForeignKey("shop.Order", on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reason = models.CharField(max_length=255, blank=True)
    lines = models.JSONField(default=list, blank=True)  # [{"line": pk, "quantity": n}]
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DONE)
    # The gateway's reference for the refund (or its error, when it failed).
    reference = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"Refund {self.amount} on {self.order}"


class ProcessedCallback(models.Model):
    """Every gateway callback that changed state, by a key unique per event, so a replay
    finds its row and changes nothing."""

    provider = models.CharField(max_length=20)
    key = models.CharField(max_length=128)
    payment = models.ForeignKey(Payment, null=True, on_delete=models.SET_NULL)
    result = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "key"], name="callback_unique_key")
        ]

    def __str__(self):
        return f"{self.provider}:{self.key} → {self.result}"
