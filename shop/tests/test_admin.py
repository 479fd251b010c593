"""The Django admin never edits an order's money, lines or status: changes go through the
shop services, as admin actions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from project.accounts.tests.factories import UserFactory
from shop.models import Order, Payment, Refund
from shop.tests.factories import ProductFactory
from shop.tests.kinds import order_for, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(email="root@example.com")
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def product():
    return ProductFactory(stock=10, price=Decimal("250000"), name="Walnut case")


def _inline_forms(prefixes=("lines", "history")):
    data = {}
    for prefix in prefixes:
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "0",
        }
    return data


def test_a_post_to_the_admin_change_form_cannot_change_money_lines_or_status(admin_client, product):
    order = order_for(UserFactory(), ("product", product.pk, 2))
    pay(order)
    line = order.lines.get()
    url = reverse("admin:shop_order_change", args=[order.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="total"' not in page and 'name="status"' not in page
    response = admin_client.post(
        url,
        {
            "total": "1",
            "subtotal": "1",
            "refunded_total": "0",
            "status": "refunded",
            "needs_attention": "Customer called about the colour",
            **_inline_forms(),
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-0-id": str(line.pk),
            "lines-0-order": str(order.pk),
            "lines-0-quantity": "99",
            "lines-0-unit_price": "1",
            "lines-0-line_total": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    order.refresh_from_db()
    line.refresh_from_db()
    assert (order.total, order.subtotal, order.status) == (
        Decimal("500000"),
        Decimal("500000"),
        "paid",
    )
    assert (line.quantity, line.unit_price) == (2, Decimal("250000"))
    assert order.needs_attention == "Customer called about the colour"  # the staff flag is editable


def test_payments_and_refunds_cannot_be_edited_added_or_deleted_in_the_admin(admin_client, product):
    order = order_for(UserFactory(), ("product", product.pk, 1))
    pay(order)
    payment = order.payments.get()
    url = reverse("admin:shop_payment_change", args=[payment.pk])
    admin_client.post(url, {"amount": "1", "status": "failed"})
    payment.refresh_from_db()
    assert (payment.amount, payment.status) == (Decimal("250000"), Payment.Status.SUCCEEDED)
    assert admin_client.get(reverse("admin:shop_refund_add")).status_code == 403
    assert admin_client.get(reverse("admin:shop_order_add")).status_code == 403
    assert admin_client.post(reverse("admin:shop_order_delete", args=[order.pk])).status_code == 403
    assert Order.objects.filter(pk=order.pk).exists()


def test_admin_actions_go_through_the_shop_services(admin_client, product, mailoutbox):
    shipped, refunded = (order_for(UserFactory(), ("product", product.pk, 2)) for _ in range(2))
    unpaid = order_for(UserFactory(), ("product", product.pk, 3))
    pay(shipped)
    pay(refunded)
    changelist = reverse("admin:shop_order_changelist")

    response = admin_client.post(
        changelist,
        {"action": "mark_shipped", "_selected_action": [shipped.pk, unpaid.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 order marked shipped." in page and unpaid.number in page  # refused, said why
    shipped.refresh_from_db()
    assert shipped.status == "shipped"
    assert shipped.history.last().actor == admin_client.user

    admin_client.post(changelist, {"action": "cancel_unpaid", "_selected_action": [unpaid.pk]})
    unpaid.refresh_from_db()
    assert unpaid.status == "canceled"

    admin_client.post(changelist, {"action": "refund_in_full", "_selected_action": [refunded.pk]})
    refunded.refresh_from_db()
    refund = Refund.objects.get(order=refunded)
    assert refunded.status == "refunded" and refund.status == Refund.Status.DONE
    assert refunded.refunded_total == Decimal("500000")
    product.refresh_from_db()
    # 10 − 2 shipped; the canceled order's 3 and the refunded order's 2 are back on sale.
    assert product.stock == 8
