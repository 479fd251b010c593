"""The live order panel socket: who may follow an order, the fragment on connect, and live
updates."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from project.accounts.tokens import ws_token_for
from project.asgi import application
from shop.models import Order
from shop.services.orders import order_transition
from shop.templatetags.money import money_format

from .panel import panel_read

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = [(b"origin", b"http://localhost")]


def make_order(user, number="TS-2026-000042"):
    return Order.objects.create(
        number=number,
        user=user,
        email=user.email,
        currency="VND",
        total="1250000.00",
        subtotal="1250000.00",
        status=Order.Status.PENDING_PAYMENT,
        idempotency_key=number,
    )


def follow(order_number, user, then=None):
    """Connect as `user`; return (connected, close code, panels received)."""

    async def run():
        path = f"/ws/orders/{order_number}/"
        if user is not None:
            path += f"?token={ws_token_for(user)}"
        communicator = WebsocketCommunicator(application, path, headers=ORIGIN)
        connected, code = await communicator.connect(timeout=3)
        messages = []
        if connected:
            messages.append(panel_read(await communicator.receive_from(timeout=3)))
            if then is not None:
                await database_sync_to_async(then)()
                messages.append(panel_read(await communicator.receive_from(timeout=3)))
            await communicator.disconnect()
        return connected, code, messages

    return async_to_sync(run)()


def test_customer_gets_a_snapshot_then_every_committed_change():
    customer = UserFactory()
    order = make_order(customer)

    def staff_cancels():
        with transaction.atomic():
            order_transition(order=order, to_status=Order.Status.CANCELED, note="out of stock")

    connected, _, messages = follow(order.number, customer, then=staff_cancels)
    assert connected
    snapshot, update = messages
    assert snapshot.attrs["hx-swap-oob"] == "true"
    assert (snapshot.attrs["data-status"], snapshot["status_label"]) == (
        "pending_payment",
        "Pending payment",
    )
    assert (snapshot["progress_text"], snapshot["total"], snapshot["assignee"]) == (
        "10%",
        money_format(order.total, "VND"),
        "—",
    )
    assert snapshot.bars == ["10"]
    assert (update.attrs["data-status"], update["status_label"], update["progress_text"]) == (
        "canceled",
        "Canceled",
        "0%",
    )


@pytest.mark.parametrize("role", [Role.STAFF, Role.MANAGER, Role.ADMIN])
def test_staff_managers_and_admins_may_follow(role):
    order = make_order(UserFactory())
    connected, _, messages = follow(order.number, UserFactory(roles=[role]))
    assert connected and messages[0]["status_label"] == "Pending payment"


@pytest.mark.parametrize(
    ("who", "close_code"), [("other customer", 4404), ("booster", 4404), ("anonymous", 4003)]
)
def test_everyone_else_is_refused(who, close_code):
    order = make_order(UserFactory())
    user = {
        "other customer": lambda: UserFactory(),
        "booster": lambda: UserFactory(roles=[Role.BOOSTER]),
        "anonymous": lambda: None,
    }[who]()
    connected, code, _ = follow(order.number, user)
    assert connected is False
    # Signed out: sign in first (4003); signed in: someone else's order is not found.
    assert code == close_code


def test_unknown_order_is_refused_like_a_foreign_one():
    connected, code, _ = follow("TS-2026-999999", UserFactory())
    assert (connected, code) == (False, 4404)


def test_rolled_back_change_is_not_pushed():
    customer = UserFactory()
    order = make_order(customer)

    def change_then_fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            order_transition(order=order, to_status=Order.Status.CANCELED)
            raise RuntimeError("boom")
        # A later committed change is the next thing the client hears about.
        with transaction.atomic():
            order_transition(order=Order.objects.get(pk=order.pk), to_status=Order.Status.PAID)

    _, _, messages = follow(order.number, customer, then=change_then_fail)
    assert messages[1]["status_label"] == "Paid"


@pytest.mark.parametrize(
    "frame",
    [{"text_data": "not json"}, {"bytes_data": b"\x00\xff"}, {"text_data": '{"status": "paid"}'}],
)
def test_anything_sent_to_the_order_socket_gets_an_error_and_changes_nothing(frame):
    customer = UserFactory()
    order = make_order(customer)

    async def run():
        communicator = WebsocketCommunicator(
            application,
            f"/ws/orders/{order.number}/?token={ws_token_for(customer)}",
            headers=ORIGIN,
        )
        assert (await communicator.connect(timeout=3))[0]
        await communicator.receive_from(timeout=3)
        if "bytes_data" in frame:
            await communicator.send_to(bytes_data=frame["bytes_data"])
        else:
            await communicator.send_to(text_data=frame["text_data"])
        reply = await communicator.receive_json_from(timeout=3)
        await communicator.disconnect()
        return reply

    assert async_to_sync(run)() == {"type": "error", "message": "This socket only sends updates."}
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_an_order_past_its_pay_by_time_is_followed_as_expired():
    from datetime import timedelta

    from django.utils import timezone

    customer = UserFactory()
    order = make_order(customer)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    connected, _, messages = follow(order.number, customer)

    assert connected
    assert (messages[0].attrs["data-status"], messages[0]["status_label"]) == (
        "canceled",
        "Canceled",
    )
