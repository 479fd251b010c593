"""Catalog reads. Each returns a queryset (or list) that already joins what its page shows,
so list pages run a constant number of queries."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from project.organizations.models import Organization
from shop.models import Category, Product, StockMovement


def category_tree() -> list[Category]:
    """Every category in tree order (parents before children), one query."""
    return list(Category.objects.order_by("path", "position", "name"))


def category_subtree(*, slug: str) -> QuerySet[Category]:
    """The category with this slug and all its descendants."""
    path = Category.objects.filter(slug=slug).values("path")[:1]
    return Category.objects.filter(path__startswith=path)


def product_list_public() -> QuerySet[Product]:
    """Products on sale, with what a product card shows."""
    return Product.objects.filter(active=True).select_related("category", "organization")


def product_get_public(*, slug: str) -> Product | None:
    return (
        Product.objects.filter(active=True, slug=slug)
        .select_related("category", "organization")
        .first()
    )


def category_ancestors(*, category: Category, tree: list[Category] | None = None) -> list[Category]:
    """The chain root → category, from its path (one query, or none given the tree)."""
    ids = [int(part) for part in category.path.strip("/").split("/") if part]
    if tree is not None:
        by_id = {node.pk: node for node in tree}
        return [by_id[pk] for pk in ids if pk in by_id]
    nodes = {node.pk: node for node in Category.objects.filter(pk__in=ids)}
    return [nodes[pk] for pk in ids if pk in nodes]


def organizations_selling() -> QuerySet[Organization]:
    """Organizations with at least one product on sale (the list page's filter)."""
    return Organization.objects.filter(products__active=True).distinct().order_by("name")


def product_list_staff() -> QuerySet[Product]:
    return Product.objects.select_related("category", "organization")


def category_list_staff() -> QuerySet[Category]:
    return (
        Category.objects.select_related("parent")
        .annotate(
            product_count=Count("products", distinct=True),
            active_count=Count("products", filter=Q(products__active=True), distinct=True),
        )
        .order_by("path")
    )


def stock_movement_list() -> QuerySet[StockMovement]:
    return StockMovement.objects.select_related("product", "actor", "order")


def product_low_stock() -> QuerySet[Product]:
    """Active products whose available units are at or below their threshold, emptiest
    first (staff dashboard and stock page)."""
    return (
        Product.objects.filter(active=True)
        .alias(available_now=F("stock") - F("reserved"))
        .filter(available_now__lte=F("low_stock_threshold"))
        .select_related("category", "organization")
        .order_by("available_now", "name")
    )


def stock_live(*, product_ids) -> dict[int, tuple[int, int]]:
    """(available, low-stock threshold) by product id, read now: the figures the cached
    catalog fragments leave out. One query."""
    rows = Product.objects.filter(pk__in=set(product_ids)).values_list(
        "pk", "stock", "reserved", "low_stock_threshold"
    )
    return {pk: (max(stock - reserved, 0), threshold) for pk, stock, reserved, threshold in rows}
