from django.conf import settings
from django.db import models


class StockMovement(models.Model):
    """The stock ledger: every change of a product's stock, with its reason and actor."""

    class Kind(models.TextChoices):
        IN = "in", "Stock in"
        OUT = "out", "Stock out"
        ADJUST = "adjust", "Adjustment"
        RESERVE = "reserve", "Reserved"
        RELEASE = "release", "Released"

    product = models.ForeignKey("shop.Product", on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    quantity = models.IntegerField(help_text="Signed change of sellable stock.")
    stock_after = models.IntegerField()
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
