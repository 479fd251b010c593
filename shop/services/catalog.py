"""Catalog writes: the category tree, products and their images, and the page-cache
version that catalog writes bump so cached list/product fragments go stale.

What bumps the version: a catalog write (products, categories, prices, images), and a stock
write only when it moves a product between in stock, low and out of stock (`stock_moved`),
which changes what the "in stock only" filter lists. Holds, releases and sales inside one
state do not: the cached fragments carry no stock figures, which are filled in per request
(`shop.selectors.catalog.stock_live`). Bumps happen after commit only: a page rendered
before the commit reads committed (old) data, is cached under the old version and goes
stale with the bump."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from PIL import Image, ImageOps

from project.core.images import image_reencode
from shop.models import Category, Product

CATALOG_VERSION_KEY = "shop:catalog:version"

THUMBNAIL_SIZE = (400, 400)


# --- Cache version -------------------------------------------------------------------------


def catalog_version() -> int:
    """The current catalog version; part of every cached catalog fragment's key."""
    version = cache.get(CATALOG_VERSION_KEY)
    if version is None:
        cache.add(CATALOG_VERSION_KEY, 1, timeout=None)
        version = cache.get(CATALOG_VERSION_KEY) or 1
    return int(version)


def _bump() -> None:
    try:
        cache.incr(CATALOG_VERSION_KEY)
    except ValueError:
        cache.set(CATALOG_VERSION_KEY, 2, timeout=None)


def catalog_version_bump() -> None:
    """Make every cached catalog fragment stale once the current transaction commits (at
    once outside one; never if it rolls back)."""
    transaction.on_commit(_bump)


def stock_state(*, available: int, threshold: int) -> str:
    """ "out", "low" or "in": the three states the catalog shows for a product."""
    if available <= 0:
        return "out"
    if available <= threshold:
        return "low"
    return "in"


def stock_moved(*, before: int, after: int, threshold: int) -> None:
    """A stock write took a product's availability from `before` to `after`: bump the
    catalog version (after commit) only if its state changed."""
    if stock_state(available=before, threshold=threshold) != stock_state(
        available=after, threshold=threshold
    ):
        catalog_version_bump()


# --- Categories ----------------------------------------------------------------------------


@transaction.atomic
def category_save(
    *,
    category: Category | None = None,
    name: str,
    slug: str,
    parent: Category | None = None,
    position: int = 0,
) -> Category:
    """Create or update a category and keep `path` ("/<id>/.../") right for it and, when it
    moves, for its whole subtree. Refuses to move a category under itself."""
    category = category or Category()
    if parent is not None and category.pk:
        parent.refresh_from_db(fields=["path"])
        if parent.pk == category.pk or parent.path.startswith(category.path or "\0"):
            raise ValidationError({"parent": "A category cannot be moved under itself."})
    if Category.objects.filter(slug=slug).exclude(pk=category.pk).exists():
        raise ValidationError({"slug": "Another category already uses this slug."})

    old_path = category.path if category.pk else ""
    category.name = name
    category.slug = slug
    category.parent = parent
    category.position = position
    if not category.pk:
        category.save()
    parent_path = parent.path if parent is not None else "/"
    category.path = f"{parent_path}{category.pk}/"
    category.save()

    if old_path and old_path != category.path:
        # One UPDATE rewrites the prefix of every descendant.
        Category.objects.filter(path__startswith=old_path).exclude(pk=category.pk).update(
            path=Concat(Value(category.path), Substr("path", len(old_path) + 1))
        )
    catalog_version_bump()
    return category


@transaction.atomic
def category_delete(*, category: Category) -> None:
    """Delete an empty leaf category."""
    if category.children.exists():
        raise ValidationError("Move or delete the subcategories first.")
    if category.products.exists():
        raise ValidationError("Move the products out of this category first.")
    category.delete()
    catalog_version_bump()


# --- Product images ------------------------------------------------------------------------


def product_thumbnail_make(file) -> ContentFile:
    """A square 400×400 WebP of the image's centre."""
    file.seek(0)
    with Image.open(file) as image:
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        thumb = ImageOps.fit(image, THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        thumb.save(out, format="WEBP", quality=82, method=4)
    file.seek(0)
    return ContentFile(out.getvalue())


def _product_image_set(product: Product, image) -> None:
    image = image_reencode(image, name=product.slug)  # validates; stores decoded pixels only
    old_names = [f.name for f in (product.image, product.thumbnail) if f]
    thumbnail = product_thumbnail_make(image)
    product.image.save(image.name, image, save=False)
    product.thumbnail.save(f"{product.slug}.webp", thumbnail, save=False)
    _files_delete_on_commit(product, old_names)


def _product_image_clear(product: Product) -> None:
    old_names = [f.name for f in (product.image, product.thumbnail) if f]
    product.image = ""
    product.thumbnail = ""
    _files_delete_on_commit(product, old_names)


def _files_delete_on_commit(product: Product, names: list[str]) -> None:
    storage = product.image.storage

    def delete():
        for name in names:
            if name not in (product.image.name, product.thumbnail.name):
                storage.delete(name)

    if names:
        transaction.on_commit(delete)


# --- Products ------------------------------------------------------------------------------

PRODUCT_FIELDS = (
    "organization",
    "category",
    "name",
    "slug",
    "description",
    "price",
    "currency",
    "low_stock_threshold",
    "is_physical",
    "active",
)


@transaction.atomic
def product_create(*, actor=None, stock: int = 0, image=None, **fields) -> Product:
    """Create a product. Initial stock is booked through the ledger ("Initial stock")."""
    from .inventory import stock_change

    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown product fields: {', '.join(sorted(unknown))}")
    if stock is None or stock < 0:
        raise ValidationError({"stock": "Stock cannot be negative."})
    product = Product(**fields, stock=0)
    product.price = Decimal(product.price)
    product.full_clean(exclude=["image", "thumbnail"])
    if image:
        _product_image_set(product, image)
    product.save()
    if stock:
        stock_change(
            product_id=product.pk,
            delta=stock,
            kind="in",
            reason="Initial stock",
            actor=actor,
        )
        product.refresh_from_db(fields=["stock"])
    catalog_version_bump()
    return product


@transaction.atomic
def product_update(
    *, product: Product, actor=None, image=None, clear_image=False, **fields
) -> Product:
    """Update a product's details. Stock is not edited here: it changes through the ledger
    (`stock_adjust`). `image` replaces the picture; `clear_image` removes it."""
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown product fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(product, name, value)
    product.price = Decimal(product.price)
    product.full_clean(exclude=["image", "thumbnail", "stock"])
    if image:
        _product_image_set(product, image)
    elif clear_image:
        _product_image_clear(product)
    # Never write `stock` from this (possibly stale) instance: sales change it concurrently.
    product.save(update_fields=[*fields, "image", "thumbnail", "updated"])
    catalog_version_bump()
    return product
