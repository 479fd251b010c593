from django.conf import settings
from django.db import models


class StockMovement(models.Model):
    """The stock ledger: every change of a product's stock, with its reason and actor.

    Two books in one table, told apart by `ledger`: movements of goods on hand (in, out,
    adjust: `quantity` is the change of on hand) and reservations (reserve, release:
    `quantity` is the change of what carts and unpaid orders hold)."""

    class Ledger(models.TextChoices):
        MOVEMENT = "movement", "Stock movements"
        RESERVATION = "reservation", "Reservations"

    class Kind(models.TextChoices):
        IN = "in", "Stock in"
        OUT = "out", "Stock out"
        ADJUST = "adjust", "Adjustment"
        RESERVE = "reserve", "Reserved"
        RELEASE = "release", "Released"

    product = models.ForeignKey("shop.Product", on_delete=models.CASCADE, related_name="movements")
    ledger = models.CharField(
        max_length=12, choices=Ledger.choices, default=Ledger.MOVEMENT, db_index=True
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    quantity = models.IntegerField(
        help_text="Signed change of on hand (movements) or of reserved (reservations)."
    )
    stock_after = models.IntegerField(help_text="On hand after the change.")
    reserved_after = models.IntegerField(default=0, help_text="Reserved after the change.")
    reason = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order = models.ForeignKey(
        "shop.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.product}: {self.kind} {self.quantity:+d}"
