"""The WebSocket stack: Origin check, session auth and `?token=` auth."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from project.accounts.tests.factories import UserFactory
from project.accounts.tokens import ws_token_for, ws_token_regenerate
from project.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

LOCAL_ORIGIN = [(b"origin", b"http://localhost:8000")]


def connect(path, headers=None):
    async def run():
        communicator = WebsocketCommunicator(application, path, headers=headers or [])
        connected, code = await communicator.connect(timeout=3)
        greeting = await communicator.receive_json_from(timeout=3) if connected else None
        await communicator.disconnect()
        return connected, code, greeting

    return async_to_sync(run)()


def test_foreign_origin_is_refused_even_with_a_valid_token():
    user = UserFactory()
    connected, _, _ = connect(
        f"/ws/notifications/?token={ws_token_for(user)}",
        headers=[(b"origin", b"https://evil.example.com")],
    )
    assert connected is False


def test_missing_origin_without_token_is_refused():
    connected, _, _ = connect("/ws/notifications/")
    assert connected is False


def test_valid_token_connects_as_its_user():
    user = UserFactory(name="Mai Tran")
    connected, _, greeting = connect(
        f"/ws/notifications/?token={ws_token_for(user)}", headers=LOCAL_ORIGIN
    )
    assert connected is True
    assert greeting == {"type": "hello", "user": "Mai Tran"}


def test_token_without_origin_header_works_for_command_line_clients():
    user = UserFactory(name="Cli User")
    connected, _, greeting = connect(f"/ws/notifications/?token={ws_token_for(user)}")
    assert connected is True
    assert greeting["user"] == "Cli User"


@pytest.mark.parametrize("token", ["", "garbage", "1.deadbeef", "99999.abc", "x.y"])
def test_invalid_token_is_refused(token):
    UserFactory()
    connected, code, _ = connect(f"/ws/notifications/?token={token}", headers=LOCAL_ORIGIN)
    assert connected is False


def test_old_token_stops_working_after_regeneration():
    user = UserFactory()
    old = ws_token_for(user)
    new = async_to_sync(database_sync_to_async(lambda: ws_token_regenerate(user=user)))()
    assert old != new
    assert connect(f"/ws/notifications/?token={old}", headers=LOCAL_ORIGIN)[0] is False
    assert connect(f"/ws/notifications/?token={new}", headers=LOCAL_ORIGIN)[0] is True


def test_anonymous_browser_is_refused_by_the_consumer():
    connected, code, _ = connect("/ws/notifications/", headers=LOCAL_ORIGIN)
    assert connected is False
    assert code == 4003


def test_browser_session_authenticates(client):
    user = UserFactory(name="Session User")
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    connected, _, greeting = connect(
        "/ws/notifications/", headers=[*LOCAL_ORIGIN, (b"cookie", cookie)]
    )
    assert connected is True
    assert greeting["user"] == "Session User"
