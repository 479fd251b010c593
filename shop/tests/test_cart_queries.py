"""The cart page reads its lines once, however many there are."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from project.accounts.tests.factories import UserFactory
from shop.models import Cart, CartLine
from shop.services.cart import cart_add
from shop.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def line_reads(queries) -> list[str]:
    """SELECTs of this cart's line rows: not the header's unit count (an aggregate), nor
    the expiry sweep (lines by kind and ref, whatever the cart)."""
    table = CartLine._meta.db_table
    by_cart = re.compile(rf'WHERE "{table}"\."cart_id" (= |IN \()\d')
    return [q["sql"] for q in queries if q["sql"].startswith("SELECT") and by_cart.search(q["sql"])]


@pytest.mark.parametrize("lines", [1, 50])
def test_cart_page_runs_the_cart_line_query_once(client, settings, lines):
    settings.SHOP_MAX_HOLDS_PER_USER = 100
    user = UserFactory()
    cart = Cart.objects.create(user=user)
    for product in ProductFactory.create_batch(lines, stock=5):
        cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=1, user=user)
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("shop:cart"))
    assert response.status_code == 200
    assert response.content.decode().count("/remove/") >= lines  # every line is on the page
    assert len(line_reads(queries.captured_queries)) == 1
