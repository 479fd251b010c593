"""django-tables2 tables for the staff catalog pages."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from project.core.badges import stock_badge
from shop.models import Category, Product, StockMovement
from shop.templatetags.money import money_format


class ProductTable(tables.Table):
    name = tables.Column(
        linkify=lambda record: reverse("shop:staff_product_edit", args=[record.pk])
    )
    category = tables.Column(
        accessor="category__name", verbose_name="Category", order_by=("category__path",)
    )
    organization = tables.Column(
        accessor="organization__name",
        verbose_name="Seller",
        default="House store",
        order_by=("organization__name",),
    )
    price = tables.Column(attrs={"td": {"class": "whitespace-nowrap text-right"}})
    stock = tables.Column(verbose_name="Available", attrs={"td": {"class": "text-right"}})
    active = tables.BooleanColumn(yesno="Active,Inactive")
    updated = tables.DateTimeColumn(format="Y-m-d H:i")
    actions = tables.Column(empty_values=(), orderable=False, verbose_name="")

    class Meta:
        model = Product
        fields = ("name", "category", "organization", "price", "stock", "active", "updated")
        sequence = fields + ("actions",)
        attrs = {"id": "products"}
        order_by = ("name",)
        empty_text = "No products match."

    def render_price(self, record):
        return money_format(record.price, record.currency)

    def render_stock(self, record):
        """Available units (on hand less reserved), the number that sells; a badge when
        it is out or low."""
        if record.available > 0 and not record.low_stock:
            return record.available
        return stock_badge(record.available, low=record.low_stock)

    def render_active(self, value):
        if value:
            return mark_safe('<span class="badge badge-success">Active</span>')  # noqa: S308
        return mark_safe('<span class="badge">Inactive</span>')  # noqa: S308

    def render_actions(self, record):
        return format_html(
            '<a class="link" href="{}">Stock</a>',
            reverse("shop:staff_stock") + f"?product={record.pk}",
        )


class ProductExportTable(tables.Table):
    """The staff product download: plain values, one column per field a spreadsheet needs."""

    id = tables.Column(verbose_name="id")
    name = tables.Column(verbose_name="name")
    slug = tables.Column(verbose_name="slug")
    category = tables.Column(accessor="category__name", verbose_name="category")
    seller = tables.Column(
        accessor="organization__name", verbose_name="seller", default="House store"
    )
    price = tables.Column(verbose_name="price")
    currency = tables.Column(verbose_name="currency")
    stock = tables.Column(verbose_name="stock")
    low_stock_threshold = tables.Column(verbose_name="low_stock_threshold")
    active = tables.Column(verbose_name="active")
    updated = tables.Column(verbose_name="updated")

    class Meta:
        model = Product
        fields = ()
        orderable = False

    def value_price(self, value):
        return f"{value:.2f}"

    def value_currency(self, record):
        return record.currency

    def value_active(self, value):
        return "yes" if value else "no"

    def value_updated(self, value):
        return value.isoformat(timespec="seconds")


class CategoryTable(tables.Table):
    name = tables.Column(
        linkify=lambda record: reverse("shop:staff_category_edit", args=[record.pk]),
        order_by=("path",),
    )
    slug = tables.Column()
    parent = tables.Column(accessor="parent__name", default="—", verbose_name="Parent")
    product_count = tables.Column(verbose_name="Products", attrs={"td": {"class": "text-right"}})
    active_count = tables.Column(verbose_name="On sale", attrs={"td": {"class": "text-right"}})
    position = tables.Column()

    class Meta:
        model = Category
        fields = ("name", "slug", "parent", "product_count", "active_count", "position")
        attrs = {"id": "categories"}
        order_by = ("name",)
        empty_text = "No categories yet."

    def render_name(self, record, value):
        indent = "— " * record.depth
        return f"{indent}{value}"


class StockMovementTable(tables.Table):
    created = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="When")
    product = tables.Column(
        accessor="product__name",
        verbose_name="Product",
        linkify=lambda record: reverse("shop:staff_stock") + f"?product={record.product_id}",
        order_by=("product__name",),
    )
    kind = tables.Column()
    quantity = tables.Column(verbose_name="Change", attrs={"td": {"class": "text-right"}})
    stock_after = tables.Column(verbose_name="On hand after", attrs={"td": {"class": "text-right"}})
    reserved_after = tables.Column(
        verbose_name="Reserved after", attrs={"td": {"class": "text-right"}}
    )
    reason = tables.Column(orderable=False)
    actor = tables.Column(accessor="actor__email", default="system", verbose_name="By")
    order = tables.Column(accessor="order__number", default="", verbose_name="Order")

    class Meta:
        model = StockMovement
        fields = (
            "created",
            "product",
            "kind",
            "quantity",
            "stock_after",
            "reserved_after",
            "reason",
            "actor",
            "order",
        )
        attrs = {"id": "movements"}
        order_by = ("-created",)
        empty_text = "No stock movements match."

    def render_quantity(self, value):
        css = "text-emerald-700" if value > 0 else "text-red-700" if value < 0 else "text-slate-500"
        return format_html(
            '<span class="font-mono {}">{}</span>', css, f"{value:+d}" if value else "0"
        )

    def render_kind(self, record):
        return record.get_kind_display()
