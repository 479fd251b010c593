"""E-mails are written in the recipient's language, not the request's."""

import pytest
from django.urls import reverse
from django.utils import translation

from project.accounts.tests.factories import UserFactory
from shop.models import Order
from shop.tests.factories import OrderFactory, mock_payment_start


@pytest.mark.django_db
def test_an_order_paid_in_english_mails_a_vietnamese_customer_in_vietnamese(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    order = OrderFactory(user=UserFactory(verified=True, language="vi"))
    client.cookies["tessera_language"] = "en"
    payment = mock_payment_start(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("shop:mock_sandbox", args=[payment.reference]), {"decision": "approve"}
        )
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert [message.subject for message in mailoutbox] == [
        f"Đã nhận thanh toán cho đơn hàng {order.number}"
    ]
    assert "500.000 ₫" in mailoutbox[0].body
    # The request itself stays English.
    assert translation.get_language() == "en"
    assert "Payment received" in client.get(response["Location"]).text


@pytest.mark.django_db
def test_without_a_profile_language_the_orders_language_is_used(mailoutbox):
    from shop.services.emails import order_email_build

    with translation.override("ru"):
        order = OrderFactory()  # placed while the request was Russian
    assert order.language == "ru"
    with translation.override("en"):
        message = order_email_build(order_pk=order.pk, template="canceled")
    assert message.subject == f"Заказ {order.number} отменён"
