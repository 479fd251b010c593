from django.conf import settings
from django.db import models
from django.urls import reverse

from project.core.language import active_language


class Order(models.Model):
    """new → pending_payment → paid → shipped → completed, or canceled / refunded.
    Transitions go through `shop.services.orders.order_transition`, which records history."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        PENDING_PAYMENT = "pending_payment", "Pending payment"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        COMPLETED = "completed", "Completed"
        CANCELED = "canceled", "Canceled"
        REFUNDED = "refunded", "Refunded"

    class Delivery(models.TextChoices):
        NONE = "none", "No delivery (digital)"
        PICKUP = "pickup", "Pickup"
        DELIVERY = "delivery", "Delivery"

    number = models.CharField(max_length=20, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    email = models.EmailField()
    # The language the order was placed in: its e-mails use it when the customer's profile
    # names none (project.core.mail.recipient_language).
    language = models.CharField(max_length=8, blank=True, default=active_language)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    shipping_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    refunded_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    delivery_type = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.NONE)
    shipping_address = models.JSONField(default=dict, blank=True)
    payment_method = models.CharField(max_length=20, blank=True)
    idempotency_key = models.CharField(max_length=64)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Whether the order still holds its stock/quota (released on expiry or cancel).
    reserved = models.BooleanField(default=True)
    # Set when a payment arrived that could not be applied (e.g. after expiry): staff look.
    needs_attention = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], name="order_unique_idempotency_key"
            )
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("shop:order_detail", kwargs={"number": self.number})

    @property
    def has_invoice(self) -> bool:
        """An invoice is for money received: never for an unpaid or canceled order."""
        return self.status in INVOICED_STATUSES


# Orders whose money came in (a refunded order keeps its invoice; the refund has a credit note).
INVOICED_STATUSES = frozenset(
    {Order.Status.PAID, Order.Status.SHIPPED, Order.Status.COMPLETED, Order.Status.REFUNDED}
)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=30)
    ref = models.CharField(max_length=64)
    title = models.CharField(max_length=255)
    unit_price = models.DecimalField(max_digits=14, decimal_places=2)
    quantity = models.PositiveIntegerField()
    refunded_quantity = models.PositiveIntegerField(default=0)
    line_total = models.DecimalField(max_digits=14, decimal_places=2)
    is_physical = models.BooleanField(default=False)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.quantity} × {self.title}"


class OrderStatusChange(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Shown to the customer (order page, status e-mail).
    note = models.CharField(max_length=255, blank=True)
    # Seen by staff only.
    internal_note = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self):
        return f"{self.order}: {self.from_status or '∅'} → {self.to_status}"

    @property
    def from_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return _status_label(self.to_status)


def _status_label(status: str) -> str:
    try:
        return Order.Status(status).label
    except ValueError:
        return status
