"""`lock_timeout()`: a row lock held elsewhere becomes `Busy` after LOCK_TIMEOUT_MS, and the
transaction's own setting comes back after the block."""

import pytest
from django.db import connection, transaction

from project.core.errors import Busy
from project.core.locks import lock_timeout
from shop.models import Product
from shop.tests.factories import ProductFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def current_lock_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        return cursor.fetchone()[0]


def test_the_timeout_holds_for_the_block_only():
    with transaction.atomic():
        before = current_lock_timeout()
        with lock_timeout(250):
            assert current_lock_timeout() == "250ms"
        assert current_lock_timeout() == before


def test_a_row_held_by_another_connection_raises_busy(row_held_elsewhere):
    product = ProductFactory(stock=3)
    with (
        row_held_elsewhere(Product.objects.filter(pk=product.pk)),
        pytest.raises(Busy) as caught,
        transaction.atomic(),
        lock_timeout(200),
    ):
        Product.objects.select_for_update().get(pk=product.pk)
    assert caught.value.status == 503
    with transaction.atomic(), lock_timeout(200):  # free again
        assert Product.objects.select_for_update().get(pk=product.pk).stock == 3
