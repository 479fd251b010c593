from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shop.currency import currency_choices, shop_currency


class Currency(models.TextChoices):
    """The currencies prices may be kept in; a deployment sells in one (`shop.currency`)."""

    VND = "VND", _("Vietnamese đồng")
    KZT = "KZT", _("Kazakhstani tenge")
    USD = "USD", _("US dollar")


class Category(models.Model):
    """A node of the category tree. `path` ("/<id>/<id>/") makes "this category and
    everything below it" one indexed prefix filter; services keep it up to date."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))
    slug = models.SlugField(max_length=100, unique=True, verbose_name=_("slug"))
    path = models.CharField(
        max_length=255, db_index=True, editable=False, default="", verbose_name=_("path")
    )
    position = models.PositiveIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        ordering = ["path", "position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


class Product(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        help_text=_("Empty for the house store."),
        verbose_name=_("seller"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    slug = models.SlugField(max_length=200, unique=True, verbose_name=_("slug"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    price = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        verbose_name=_("price"),
    )
    # Always the deployment's currency today (SHOP_CURRENCY); kept per row for channels later.
    currency = models.CharField(
        max_length=3, choices=currency_choices, default=shop_currency, verbose_name=_("currency")
    )
    # On hand (django-oscar's num_in_stock): units on the shelf, sold or not yet.
    stock = models.IntegerField(default=0, verbose_name=_("stock"))
    # Reserved (num_allocated): held by carts and unpaid orders, still on the shelf.
    # Available = stock - reserved. Changed only by `shop.services.inventory`.
    reserved = models.IntegerField(default=0, editable=False, verbose_name=_("reserved"))
    low_stock_threshold = models.PositiveIntegerField(
        default=5, verbose_name=_("low stock threshold")
    )
    # When staff were last told this product runs low (one alert per period).
    low_stock_alerted_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("low stock alerted at")
    )
    is_physical = models.BooleanField(default=True, verbose_name=_("physical item"))
    active = models.BooleanField(default=True, db_index=True, verbose_name=_("active"))
    image = models.ImageField(upload_to="products/", blank=True, verbose_name=_("image"))
    thumbnail = models.ImageField(
        upload_to="products/thumbs/", blank=True, editable=False, verbose_name=_("thumbnail")
    )
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="product_stock_gte_0"),
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0), name="product_reserved_gte_0"
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="product_price_gte_0"),
        ]
        indexes = [models.Index(fields=["active", "category"], name="product_active_category")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("shop:product_detail", kwargs={"slug": self.slug})

    @property
    def on_hand(self) -> int:
        return self.stock

    @property
    def available(self) -> int:
        """Units a buyer can take now: on hand less what carts and unpaid orders hold."""
        return max(self.stock - self.reserved, 0)

    @property
    def in_stock(self) -> bool:
        return self.available > 0

    @property
    def low_stock(self) -> bool:
        return 0 < self.available <= self.low_stock_threshold
