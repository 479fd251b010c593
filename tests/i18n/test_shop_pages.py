"""The shop's customer side reads in the shopper's language: the cart and its refusals, the
order e-mails and the order page."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from project.accounts.tests.factories import UserFactory
from shop.services.emails import order_email_build
from shop.tests.factories import OrderFactory, ProductFactory


@pytest.mark.django_db
def test_the_cart_and_its_refusals_read_in_vietnamese(client):
    product = ProductFactory(name="Walnut case", stock=3, price=Decimal("1250000"))
    client.cookies["tessera_language"] = "vi"
    add = {"kind": "product", "ref": product.pk, "quantity": 1}
    response = client.post(reverse("shop:cart_add"), add, follow=True)
    assert "Đã thêm 1 × Walnut case vào giỏ hàng." in response.text
    response = client.post(reverse("shop:cart_add"), {**add, "quantity": 5}, follow=True)
    assert "Hiện giỏ hàng của bạn chỉ có thể chứa 3 Walnut case." in response.text
    page = client.get(reverse("shop:cart")).text
    assert "Giỏ hàng của bạn" in page and "Your cart" not in page
    assert "1.250.000 ₫" in page and "Tổng cộng" in page


@pytest.mark.django_db
def test_a_russian_customers_order_page_and_e_mail_read_in_russian(client):
    order = OrderFactory(user=UserFactory(verified=True, language="ru"))
    client.force_login(order.user)
    client.cookies["tessera_language"] = "ru"
    page = client.get(order.get_absolute_url()).text
    assert f"Заказ {order.number}" in page
    assert "Оплатить" in page and "Отменить заказ" in page and "Pay now" not in page

    with translation.override("en"):
        message = order_email_build(order_pk=order.pk, template="pending")
    html = message.alternatives[0][0]
    assert message.body.startswith("Здравствуйте")
    assert "Спасибо за заказ." in message.body and "Итого: 500.000 ₫" in message.body
    assert '<html lang="ru">' in html and "Оплатить заказ" in html
