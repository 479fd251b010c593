"""My order's live status: the live panel's snapshot (`dashboards.live.order_live`)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboards.live import order_live
from dashboards.tests.kinds import job_kind_install, job_kind_remove, order_with
from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from shop.kinds import LineProgress
from shop.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def job_kind():
    kind = job_kind_install()
    yield kind
    job_kind_remove()


def test_the_live_status_is_the_panels(client, bearer, job_kind):
    owner = UserFactory()
    job_kind.reports["tune"] = LineProgress("working", "Tuning", percent=60, assignee="Minh")
    order = order_with(
        owner, ("job", "tune", "Tuning", "100000", 1), ("product", "7", "Keycaps", "50000", 1)
    )
    body = client.get(
        reverse("api:my_order_live", args=[order.number]), **bearer(owner, "orders:read")
    )
    assert body.status_code == 200
    live = body.json()
    # One reported line at 60 %, one following "paid" at 40 %: the panel's 50 %.
    assert (live["status"], live["progress"], live["assignee"]) == ("paid", 50, "Minh")
    assert live["lines"] == [
        {
            "line": order.lines.all()[0].pk,
            "title": "Tuning",
            "stage": "working",
            "label": "Tuning",
            "percent": 60,
            "assignee": "Minh",
        }
    ]
    assert live["key"] == order_live(order).key


def test_an_unpaid_order_follows_its_status(client, bearer, job_kind):
    owner = UserFactory()
    job_kind.reports["tune"] = LineProgress("working", "Tuning", percent=60, assignee="Minh")
    order = order_with(
        owner, ("job", "tune", "Tuning", "100000", 1), status=Order.Status.PENDING_PAYMENT
    )
    live = client.get(
        reverse("api:my_order_live", args=[order.number]), **bearer(owner, "orders:read")
    ).json()
    assert (live["progress"], live["assignee"], live["lines"]) == (10, "", [])


def test_only_the_owner_reads_it(client, bearer, job_kind):
    order = order_with(UserFactory(), ("job", "tune", "Tuning", "100000", 1))
    target = reverse("api:my_order_live", args=[order.number])
    assert client.get(target, **bearer(UserFactory(), "orders:read")).status_code == 404
    # "My order": staff follow it on the staff pages, not here.
    assert (
        client.get(target, **bearer(UserFactory(roles=[Role.STAFF]), "orders:read")).status_code
        == 404
    )
    assert client.get(target).status_code == 401
    assert client.get(target, **bearer(order.user, "catalog:read")).status_code == 403
