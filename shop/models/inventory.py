from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StockMovement(models.Model):
    """The stock ledger: every change of a product's stock, with its reason and actor.

    Two books in one table, told apart by `ledger`: movements of goods on hand (in, out,
    adjust: `quantity` is the change of on hand) and reservations (reserve, release:
    `quantity` is the change of what carts and unpaid orders hold)."""

    class Ledger(models.TextChoices):
        MOVEMENT = "movement", _("Stock movements")
        RESERVATION = "reservation", _("Reservations")

    class Kind(models.TextChoices):
        IN = "in", _("Stock in")
        OUT = "out", _("Stock out")
        ADJUST = "adjust", _("Adjustment")
        RESERVE = "reserve", _("Reserved")
        RELEASE = "release", _("Released")

    product = models.ForeignKey(
        "shop.Product",
        on_delete=models.CASCADE,
        related_name="movements",
        verbose_name=_("product"),
    )
    ledger = models.CharField(
        max_length=12,
        choices=Ledger.choices,
        default=Ledger.MOVEMENT,
        db_index=True,
        verbose_name=_("ledger"),
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    quantity = models.IntegerField(
        help_text=_("Signed change of on hand (movements) or of reserved (reservations)."),
        verbose_name=_("quantity"),
    )
    stock_after = models.IntegerField(
        help_text=_("On hand after the change."), verbose_name=_("stock after")
    )
    reserved_after = models.IntegerField(
        default=0, help_text=_("Reserved after the change."), verbose_name=_("reserved after")
    )
    reason = models.CharField(max_length=255, blank=True, verbose_name=_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    order = models.ForeignKey(
        "shop.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("order"),
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("created"))

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")

    def __str__(self):
        return f"{self.product}: {self.kind} {self.quantity:+d}"
