from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Cart(models.Model):
    """A guest cart (session key) or a user's cart. A user has at most one active cart."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        MERGED = "merged", _("Merged into a user's cart")
        ORDERED = "ordered", _("Ordered")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="carts",
    )
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="active", user__isnull=False),
                name="cart_one_active_per_user",
            )
        ]

    def __str__(self):
        return f"Cart #{self.pk} ({self.user or 'guest'})"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=30)
    ref = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField(default=1)
    # How many units the kind holds for this line, and until when.
    held_quantity = models.PositiveIntegerField(default=0)
    hold_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When the line first held: renewals never carry a hold past SHOP_HOLD_MAX_MINUTES.
    hold_started_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "kind", "ref"], name="cartline_unique_item"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="cartline_qty_gte_1"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.kind}:{self.ref}"

    @property
    def hold_active(self) -> bool:
        return bool(
            self.held_quantity
            and self.hold_expires_at is not None
            and self.hold_expires_at > timezone.now()
        )
