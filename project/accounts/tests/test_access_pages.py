"""What the access rule changes on the pages people see: the back-office links follow the
permissions held, a manager reads orders without the forms to change them, and a refusal
says which role opens the page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from shop.tests.factories import ProductFactory
from shop.tests.kinds import order_for, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order():
    product = ProductFactory(stock=5, price=Decimal("100000"))
    order = order_for(UserFactory(email="buyer@customers.test"), ("product", product.pk, 1))
    pay(order)
    return order


def _sidebar(client) -> str:
    body = client.get(reverse("accounts:profile")).content.decode()
    return body[body.index('aria-label="Dashboard"') :]


@pytest.mark.parametrize(
    ("roles", "links"),
    [
        ([Role.STAFF], {"Orders", "Catalog &amp; stock", "Support queue"}),
        ([Role.MANAGER], {"Orders", "Support queue"}),
        ([Role.BOOSTER], set()),
        ([], set()),
    ],
)
def test_back_office_links_follow_the_permissions_held(client, roles, links):
    client.force_login(UserFactory(roles=roles))
    sidebar = _sidebar(client)
    shown = {
        label
        for label in ("Orders", "Catalog &amp; stock", "Support queue")
        if f">{label}</a>" in sidebar
    }
    assert shown == links
    assert ("Back office" in sidebar) == bool(links)


def test_a_manager_reads_an_order_from_the_dashboard_but_cannot_change_or_refund_it(
    client, paid_order
):
    client.force_login(UserFactory(roles=[Role.MANAGER]))
    dashboard = client.get(reverse("dashboards:role", args=["manager"])).content.decode()
    detail_url = reverse("shop:staff_order_detail", args=[paid_order.number])
    assert detail_url in dashboard
    page = client.get(detail_url)
    body = page.content.decode()
    assert page.status_code == 200 and paid_order.number in body
    assert "Update status" not in body and 'data-confirm="Refund this order?' not in body
    assert "Staff change the status and refund" in body
    refused = client.post(
        reverse("shop:staff_order_refund", args=[paid_order.number]),
        {"mode": "full", "reason": "Because"},
    )
    assert refused.status_code == 403
    paid_order.refresh_from_db()
    assert paid_order.refunded_total == 0


def test_staff_see_the_forms_on_the_same_page(client, paid_order):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    body = client.get(reverse("shop:staff_order_detail", args=[paid_order.number])).content.decode()
    assert "Update status" in body and "Refund this order?" in body
    assert "Staff change the status and refund" not in body


def test_a_refusal_names_the_role_that_opens_the_page(client):
    client.force_login(UserFactory(roles=[Role.MANAGER]))
    response = client.get(reverse("shop:staff_products"))
    assert response.status_code == 403
    assert "Only these roles open this page: Staff." in response.content.decode()
