"""A bundle: a frozen configuration of products sold as one line (what a keyboard build
will be). Once created a bundle and its parts are never changed: a different mix is a new
bundle, so two lines of different mixes never merge."""

from decimal import Decimal

from django.conf import settings
from django.db import models


class Bundle(models.Model):
    title = models.CharField(max_length=120)
    price = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, default="VND")
    # A quote made for one buyer (as a tariff for one organization): no one else may buy it.
    for_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )

    def __str__(self):
        return self.title


class BundlePart(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="parts")
    product = models.ForeignKey("shop.Product", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bundle", "product"], name="bundle_part_once")
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product_id}"
