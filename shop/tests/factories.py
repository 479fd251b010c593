"""Catalog factories other apps' tests use: `CategoryFactory`, `ProductFactory`."""

from decimal import Decimal

import factory

from shop.models import Category, Currency, Product
from shop.services.catalog import category_save


class CategoryFactory(factory.django.DjangoModelFactory):
    """Saved through `category_save`, so `path` is right for the tree."""

    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    parent = None
    position = 0

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return category_save(
            name=kwargs["name"],
            slug=kwargs["slug"],
            parent=kwargs.get("parent"),
            position=kwargs.get("position", 0),
        )


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    description = "A thing worth buying."
    price = Decimal("250000")
    currency = Currency.VND
    stock = 10
    active = True
    organization = None
    is_physical = True
