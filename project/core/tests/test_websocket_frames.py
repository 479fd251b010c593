"""Bad frames on every socket: an error message back and the socket stays open; an
oversized frame closes it with 1009. Through the whole ASGI stack."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from project.accounts.tokens import ws_token_for
from project.asgi import application
from shop.tests.factories import ProductFactory
from shop.tests.kinds import order_for
from support.models import Message

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = [(b"origin", b"http://localhost")]

DEEP_LIST = "[" * 10_000 + "]" * 10_000
DEEP_OBJECT = '{"a":' * 10_000 + "1" + "}" * 10_000
BAD_FRAMES = {
    "nul in json": {"text_data": '{"message": "a\\u0000b"}'},
    "raw nul": {"text_data": "a\x00b"},
    "lone surrogate in json": {"text_data": '{"message": "\\ud800 hi"}'},
    "raw lone surrogate": {"text_data": "\ud800"},
    "10,000-deep list": {"text_data": DEEP_LIST},
    "10,000-deep object": {"text_data": DEEP_OBJECT},
    "moderately deep": {"text_data": '{"message": ' + "[" * 50 + "]" * 50 + "}"},
    "not json": {"text_data": "hello"},
    "binary": {"bytes_data": b"\x00\x01\xff"},
}


def socket_path(which: str, user) -> str:
    if which == "orders":
        order = order_for(user, ("product", ProductFactory(stock=5).pk, 1))
        return f"/ws/orders/{order.number}/"
    return {
        "notifications": "/ws/notifications/",
        "support": "/ws/support/frames-room/",
        "support-queue": "/ws/support-queue/",
    }[which]


@pytest.fixture(params=["notifications", "orders", "support", "support-queue"])
def socket(request):
    roles = [Role.STAFF] if request.param == "support-queue" else []
    user = UserFactory(roles=roles)
    return f"{socket_path(request.param, user)}?token={ws_token_for(user)}"


async def open_socket(path):
    comm = WebsocketCommunicator(application, path, headers=ORIGIN)
    connected, code = await comm.connect(timeout=5)
    assert connected, code
    # Skip the greeting, snapshot, history or "mode" each socket sends first.
    while not await comm.receive_nothing(timeout=0.3):
        await comm.receive_from(timeout=1)
    return comm


def test_bad_frames_get_an_error_and_the_socket_stays_open(socket):
    async def body():
        comm = await open_socket(socket)
        for name, frame in BAD_FRAMES.items():
            await comm.send_to(**frame)
            # An answer to every frame, on the same socket: it stayed open.
            error = await comm.receive_json_from(timeout=5)
            assert error["type"] == "error" and error["message"], name
        await comm.disconnect()

    async_to_sync(body)()
    assert not Message.objects.exists()


def test_oversized_frames_are_refused_with_1009(socket, settings):
    async def body():
        comm = await open_socket(socket)
        await comm.send_to(text_data='{"message": "' + "x" * settings.WS_MAX_FRAME_CHARS + '"}')
        error = await comm.receive_json_from(timeout=5)
        assert str(settings.WS_MAX_FRAME_CHARS) in error["message"]
        closing = await comm.receive_output(timeout=5)
        assert closing == {"type": "websocket.close", "code": 1009}

    async_to_sync(body)()
    assert not Message.objects.exists()


def test_a_good_frame_after_bad_ones_still_posts():
    user = UserFactory()

    async def body():
        comm = await open_socket(f"/ws/support/frames-room/?token={ws_token_for(user)}")
        for frame in BAD_FRAMES.values():
            await comm.send_to(**frame)
            assert (await comm.receive_json_from(timeout=5))["type"] == "error"
        await comm.send_to(text_data='{"message": "Hello after all that"}')
        event = await comm.receive_json_from(timeout=5)
        assert event["type"] == "chat_message" and event["message"] == "Hello after all that"
        await comm.disconnect()

    async_to_sync(body)()
    assert list(Message.objects.values_list("text", flat=True)) == ["Hello after all that"]
