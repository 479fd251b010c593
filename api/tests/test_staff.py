"""Staff endpoints: the back-office role rule of the pages, the stock ledger, status
changes and refunds through their services, and `Idempotency-Key` on the refund POST."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from project.organizations.tests.factories import OrganizationFactory
from shop.models import Order, Refund, StockMovement
from shop.tests.factories import CategoryFactory, ProductFactory
from shop.tests.kinds import order_for, pay

pytestmark = pytest.mark.django_db

JSON = {"content_type": "application/json"}


@pytest.fixture
def paid():
    product = ProductFactory(category=CategoryFactory(), stock=10, price=Decimal("100000"))
    order = order_for(UserFactory(), ("product", product.pk, 2))
    pay(order)
    order.refresh_from_db()
    return order


def staff_user():
    return UserFactory(roles=[Role.STAFF])


def test_the_role_rule_answers_as_on_the_pages(client, bearer, paid):
    target = reverse("api:staff_order_list")
    assert client.get(target, **bearer(staff_user(), "staff:read")).status_code == 200
    assert (
        client.get(target, **bearer(UserFactory(roles=[Role.MANAGER]), "staff:read")).status_code
        == 200
    )
    # A customer and an organizer: the back office does not exist for them.
    customer = client.get(target, **bearer(paid.user, "staff:read"))
    assert customer.status_code == 404 and customer.json()["code"] == "not_found"
    organizer = UserFactory()
    OrganizationFactory(owner=organizer)
    assert client.get(target, **bearer(organizer, "staff:write")).status_code == 404
    # A booster knows the back office: 403 naming the roles that open it.
    booster = client.get(target, **bearer(UserFactory(roles=[Role.BOOSTER]), "staff:read"))
    assert booster.status_code == 403
    assert booster.json()["message"].startswith("Only these roles open this page: ")
    assert client.get(target).status_code == 401
    assert client.get(target, **bearer(staff_user(), "orders:read")).status_code == 403


def test_a_manager_reads_orders_but_cannot_change_them(client, bearer, paid):
    manager = bearer(UserFactory(roles=[Role.MANAGER]), "staff:write")
    detail = client.get(reverse("api:staff_order", args=[paid.number]), **manager)
    assert detail.status_code == 200 and len(detail.json()["lines"]) == 1
    refused = client.post(
        reverse("api:staff_order_status", args=[paid.number]),
        {"to_status": "shipped"},
        **JSON,
        **manager,
    )
    assert refused.status_code == 403
    assert Order.objects.get(pk=paid.pk).status == Order.Status.PAID


def test_staff_move_an_order_and_bad_targets_are_field_errors(client, bearer, paid):
    headers = bearer(staff_user(), "staff:write")
    target = reverse("api:staff_order_status", args=[paid.number])
    bad = client.post(target, {"to_status": "refunded"}, **JSON, **headers)
    assert bad.status_code == 400 and "to_status" in bad.json()["fields"]
    moved = client.post(target, {"to_status": "shipped", "note": "On its way"}, **JSON, **headers)
    assert moved.status_code == 200 and moved.json()["status"] == "shipped"
    assert moved.json()["history"][-1]["note"] == "On its way"
    assert (
        client.post(
            reverse("api:staff_order_status", args=["NO-SUCH"]),
            {"to_status": "shipped"},
            **JSON,
            **headers,
        ).status_code
        == 404
    )


def test_a_stock_count_goes_through_the_ledger(client, bearer):
    product = ProductFactory(category=CategoryFactory(), stock=10)
    headers = bearer(staff_user(), "staff:write")
    target = reverse("api:staff_stock_adjust", args=[product.pk])
    counted = client.post(target, {"new_stock": 7, "reason": "Count"}, **JSON, **headers).json()
    assert counted["product"]["stock"] == 7 and counted["movement"]["quantity"] == -3
    assert StockMovement.objects.get(product=product).reason == "Count"
    same = client.post(target, {"new_stock": 7, "reason": "Again"}, **JSON, **headers).json()
    assert same["movement"] is None
    bad = client.post(target, {"new_stock": -1, "reason": " "}, **JSON, **headers)
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"new_stock", "reason"}
    read_only = bearer(staff_user(), "staff:read")
    assert (
        client.post(target, {"new_stock": 1, "reason": "x"}, **JSON, **read_only).status_code == 403
    )
    ledger = client.get(reverse("api:staff_stock"), {"product": product.pk}, **read_only).json()
    assert [m["quantity"] for m in ledger["results"]] == [-3]


def test_products_and_orders_list_with_constant_queries(client, bearer):
    headers = bearer(staff_user(), "staff:read")
    category = CategoryFactory()
    for name, make in (
        (
            "api:staff_product_list",
            lambda: ProductFactory(category=category, organization=OrganizationFactory()),
        ),
        (
            "api:staff_order_list",
            lambda: order_for(
                UserFactory(), ("product", ProductFactory(category=category, stock=5).pk, 1)
            ),
        ),
    ):
        target = reverse(name)
        make()
        client.get(target, **headers)
        with CaptureQueriesContext(connection) as one:
            assert len(client.get(target, **headers).json()["results"]) == 1
        for _ in range(49):
            make()
        with CaptureQueriesContext(connection) as fifty:
            assert len(client.get(target, {"page_size": 50}, **headers).json()["results"]) == 50
        assert len(fifty) == len(one), name


def test_a_refund_goes_through_the_refund_service(client, bearer, paid):
    headers = bearer(staff_user(), "staff:write")
    target = reverse("api:staff_order_refund", args=[paid.number])
    line = paid.lines.get()
    no_reason = client.post(
        target, {"lines": [{"line": line.pk, "quantity": 1}]}, **JSON, **headers
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    too_many = client.post(
        target, {"lines": [{"line": line.pk, "quantity": 3}], "reason": "x"}, **JSON, **headers
    )
    assert too_many.status_code == 400 and "2 left" in too_many.json()["fields"]["lines"][0]
    done = client.post(
        target, {"lines": [{"line": line.pk, "quantity": 1}], "reason": "Dent"}, **JSON, **headers
    )
    assert done.status_code == 201
    assert (
        done.json()["refunded_total"] == "100000.00"
        and done.json()["refunds"][0]["status"] == "done"
    )
    rest = client.post(target, {"reason": "All of it"}, **JSON, **headers)
    assert rest.status_code == 201 and rest.json()["status"] == "refunded"
    nothing = client.post(target, {"reason": "Again"}, **JSON, **headers)
    assert nothing.status_code == 409 and nothing.json()["code"] == "refund_refused"


def test_an_idempotency_key_never_refunds_twice(client, bearer, paid):
    headers = {**bearer(staff_user(), "staff:write"), "HTTP_IDEMPOTENCY_KEY": "refund-7f3a"}
    target = reverse("api:staff_order_refund", args=[paid.number])
    body = {"amount": "1000", "reason": "Late"}
    first = client.post(target, body, **JSON, **headers)
    again = client.post(target, body, **JSON, **headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Refund.objects.filter(order=paid).count() == 1
    other = client.post(target, {"amount": "2000", "reason": "Late"}, **JSON, **headers)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    # Without a key every POST is its own refund; another user's key of the same name is theirs.
    fresh = {**bearer(staff_user(), "staff:write"), "HTTP_IDEMPOTENCY_KEY": "refund-7f3a"}
    assert client.post(target, body, **JSON, **fresh).status_code == 201
    assert Refund.objects.filter(order=paid).count() == 2


def test_a_refused_request_frees_its_key(client, bearer, paid):
    headers = {**bearer(staff_user(), "staff:write"), "HTTP_IDEMPOTENCY_KEY": "k1"}
    target = reverse("api:staff_order_refund", args=[paid.number])
    assert client.post(target, {"amount": "1000"}, **JSON, **headers).status_code == 400
    assert (
        client.post(target, {"amount": "1000", "reason": "x"}, **JSON, **headers).status_code == 201
    )
