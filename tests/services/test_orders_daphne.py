"""The live order panel against a running daphne, with real WebSocket clients and the Redis
channel layer. The test process and daphne share PostgreSQL and Redis: a status change
committed here reaches the clients through daphne.
"""

import json

import pytest
from django.conf import settings
from django.db import transaction
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from dashboards.tests.panel import panel_read
from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from project.accounts.tokens import ws_token_for
from shop.models import Order
from shop.services.orders import order_transition
from shop.templatetags.money import money_format

from .daphne import daphne_server

pytestmark = [pytest.mark.services, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ORIGIN = {"origin": "http://127.0.0.1"}


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with daphne_server(env={"REDIS_URL": settings.REDIS_URL}) as address:
        yield address


def make_order(user, number):
    return Order.objects.create(
        number=number,
        user=user,
        email=user.email,
        currency="VND",
        subtotal="1250000.00",
        total="1250000.00",
        status=Order.Status.PENDING_PAYMENT,
        idempotency_key=number,
    )


def follow(server, number, user):
    return connect(
        f"ws://{server}/ws/orders/{number}/?token={ws_token_for(user)}",
        additional_headers=ORIGIN,
        open_timeout=5,
    )


def recv(ws, timeout=3):
    """The panel fragment the socket sent next, read as a user sees it."""
    return panel_read(ws.recv(timeout=timeout))


def test_customer_gets_the_snapshot(server):
    customer = UserFactory()
    order = make_order(customer, "TS-2026-100001")

    with follow(server, order.number, customer) as ws:
        panel = recv(ws)
    assert (panel.attrs["hx-swap-oob"], panel.attrs["data-status"]) == ("true", "pending_payment")
    assert (panel["status_label"], panel["progress_text"], panel["assignee"]) == (
        "Pending payment",
        "10%",
        "—",
    )
    assert panel["total"] == money_format(order.total, "VND")


def test_another_customer_and_an_unknown_order_are_refused(server):
    customer, stranger = UserFactory(), UserFactory()
    order = make_order(customer, "TS-2026-100002")

    for number, user in [(order.number, stranger), ("TS-2026-999999", customer)]:
        # The consumer closes before accepting: daphne rejects the handshake.
        with pytest.raises(InvalidStatus) as refused, follow(server, number, user):
            pass
        assert refused.value.response.status_code == 403


def test_customer_and_staff_both_see_a_committed_change(server):
    customer = UserFactory()
    staff = UserFactory(roles=[Role.STAFF])
    order = make_order(customer, "TS-2026-100003")
    other = make_order(customer, "TS-2026-100004")

    with (
        follow(server, order.number, customer) as mine,
        follow(server, order.number, staff) as desk,
        follow(server, other.number, customer) as elsewhere,
    ):
        assert recv(mine).attrs["data-status"] == "pending_payment"
        staff_view = recv(desk)
        assert (staff_view.attrs["data-order"], staff_view["status_label"]) == (
            order.number,
            "Pending payment",
        )
        assert recv(elsewhere).attrs["data-order"] == other.number

        with transaction.atomic():
            order_transition(
                order=order, to_status=Order.Status.CANCELED, actor=staff, note="out of stock"
            )

        for ws in (mine, desk):
            update = recv(ws)
            assert (update.attrs["data-order"], update["status_label"]) == (
                order.number,
                "Canceled",
            )
            assert update["progress_text"] == "0%"
        # Followers of another order hear nothing about this one.
        with pytest.raises(TimeoutError):
            elsewhere.recv(timeout=0.5)


def test_the_socket_does_not_take_messages(server):
    customer = UserFactory()
    order = make_order(customer, "TS-2026-100005")

    with follow(server, order.number, customer) as ws:
        recv(ws)
        ws.send(json.dumps({"status": "completed"}))
        assert json.loads(ws.recv(timeout=3)) == {
            "type": "error",
            "message": "This socket only sends updates.",
        }
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
