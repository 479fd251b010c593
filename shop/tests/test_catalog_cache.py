"""The catalog cache under shopping traffic: holds, releases and sales inside one stock
state leave the cached pages alone, and the stock figures on them are still live."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.services.catalog import catalog_version
from shop.services.inventory import stock_release, stock_reserve, stock_sell
from shop.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("shop:product_list")


@pytest.fixture
def boots():
    return ProductFactory(
        category=CategoryFactory(),
        name="Football boots",
        slug="boots",
        price=Decimal("1200000"),
        stock=30,
        low_stock_threshold=5,
    )


def test_holds_inside_one_stock_state_keep_the_cached_list(
    client, boots, django_capture_on_commit_callbacks
):
    client.get(LIST_URL)
    version = catalog_version()
    with django_capture_on_commit_callbacks(execute=True):
        stock_reserve(product_id=boots.pk, quantity=3)
        stock_release(product_id=boots.pk, quantity=1)
        stock_reserve(product_id=boots.pk, quantity=10)
        stock_sell(product_id=boots.pk, quantity=2)
    assert catalog_version() == version  # 30 → 18 available: still "In stock"
    assert "In stock" in client.get(LIST_URL).content.decode()


def test_the_low_stock_badge_is_live_on_a_cached_list_and_product_page(
    client, boots, django_capture_on_commit_callbacks
):
    product_url = reverse("shop:product_detail", args=["boots"])
    client.get(LIST_URL), client.get(product_url)  # cached
    with django_capture_on_commit_callbacks(execute=True):
        stock_reserve(product_id=boots.pk, quantity=26)  # 4 left: low
    version = catalog_version()
    assert "Only 4 left" in client.get(LIST_URL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        stock_reserve(product_id=boots.pk, quantity=1)  # 3 left: still low, no bump
    assert catalog_version() == version
    assert "Only 3 left" in client.get(LIST_URL).content.decode()
    page = client.get(product_url).content.decode()
    assert "Only 3 left" in page
    assert 'max="3"' in page  # the quantity field offers what is left now


def test_selling_out_refreshes_the_in_stock_filter_after_commit(
    client, boots, django_capture_on_commit_callbacks
):
    in_stock = {"in_stock": "on"}
    assert "Football boots" in client.get(LIST_URL, in_stock).content.decode()
    version = catalog_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        stock_reserve(product_id=boots.pk, quantity=30)
        # Not before the commit: a page rendered now reads the committed (old) rows.
        assert catalog_version() == version
    assert callbacks and catalog_version() > version
    html = client.get(LIST_URL, in_stock).content.decode()
    assert "Football boots" not in html
    listed = client.get(LIST_URL).content.decode()
    assert "Football boots" in listed and "Out of stock" in listed


def test_a_rolled_back_hold_does_not_bump(client, boots, django_capture_on_commit_callbacks):
    from django.db import transaction

    version = catalog_version()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                stock_reserve(product_id=boots.pk, quantity=30)
                raise RuntimeError("checkout failed")
        except RuntimeError:
            pass
    assert catalog_version() == version
    assert "In stock" in client.get(LIST_URL).content.decode()
