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


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "1.deadbeef",
        "99999.abc",
        "x.y",
        "².1.abc",
        "99999999999999999999999.4102444800.abc",
        "1." + "9" * 5000 + ".abc",
        "1.4102444800.\x00",
    ],
)
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


# --- expiry, rotation, tickets and the Sec-WebSocket-Protocol header ------------------------


def connect_with(path, *, subprotocols=None, headers=LOCAL_ORIGIN):
    async def run():
        communicator = WebsocketCommunicator(
            application, path, headers=headers, subprotocols=subprotocols
        )
        connected, detail = await communicator.connect(timeout=3)
        if connected:
            await communicator.disconnect()
        return connected, detail

    return async_to_sync(run)()


def works(token):
    return connect(f"/ws/notifications/?token={token}", headers=LOCAL_ORIGIN)[0]


def test_token_in_the_subprotocol_header_connects_and_is_answered():
    user = UserFactory()
    connected, subprotocol = connect_with(
        "/ws/notifications/", subprotocols=["tessera", f"tessera.token.{ws_token_for(user)}"]
    )
    assert connected is True
    assert subprotocol == "tessera"  # browsers require one offered protocol back
    connected, _ = connect_with(
        "/ws/notifications/", subprotocols=["tessera", "tessera.token.1.2.forged"]
    )
    assert connected is False


def test_token_stops_working_when_it_expires(settings):
    settings.WS_TOKEN_MAX_AGE_DAYS = 0
    user = UserFactory()
    token = async_to_sync(database_sync_to_async(lambda: ws_token_regenerate(user=user)))()
    assert works(token) is False


def test_password_change_rotates_the_token(client):
    from project.accounts.tests.factories import PASSWORD

    user = UserFactory()
    old = ws_token_for(user)
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-pass-2026",
            "password2": "a-new-long-pass-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert works(old) is False
    assert works(ws_token_for(user)) is True


def test_password_reset_rotates_the_token(client, mailoutbox):
    import re

    user = UserFactory()
    old = ws_token_for(user)
    client.post("/accounts/password/reset/", {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mailoutbox[-1].body)
    page = client.get(link.group(1), follow=True)
    client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link.group(1),
        {"password1": "a-new-long-pass-2026", "password2": "a-new-long-pass-2026"},
    )
    user.refresh_from_db()
    assert user.check_password("a-new-long-pass-2026")
    assert works(old) is False


def test_email_change_rotates_the_token():
    from allauth.account.models import EmailAddress

    user = UserFactory()
    old = ws_token_for(user)

    def change():
        address = EmailAddress.objects.create(user=user, email="moved@example.com", verified=True)
        address.set_as_primary()

    async_to_sync(database_sync_to_async(change))()
    user.refresh_from_db()
    assert user.email == "moved@example.com"
    assert works(old) is False


def test_ticket_is_fetched_with_a_csrf_checked_post_and_works_once(client):
    from django.test import Client

    user = UserFactory()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post("/account/token/ticket/").status_code == 403  # no CSRF token
    assert client.post("/account/token/ticket/").status_code == 302  # not signed in
    assert client.get("/account/token/ticket/").status_code in (302, 405)
    client.force_login(user)
    assert client.get("/account/token/ticket/").status_code == 405
    response = client.post("/account/token/ticket/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["expires_in"] == 60
    ticket = body["ticket"]
    assert connect(f"/ws/notifications/?ticket={ticket}", headers=LOCAL_ORIGIN)[2] == {
        "type": "hello",
        "user": user.display_name,
    }
    # Single use: a proxy log that kept the URL holds nothing of value.
    assert connect(f"/ws/notifications/?ticket={ticket}", headers=LOCAL_ORIGIN)[0] is False
    # Fresh tickets also ride in Sec-WebSocket-Protocol.
    other = client.post("/account/token/ticket/").json()["ticket"]
    connected, subprotocol = connect_with(
        "/ws/notifications/", subprotocols=["tessera", f"tessera.ticket.{other}"]
    )
    assert (connected, subprotocol) == (True, "tessera")


@pytest.mark.parametrize(
    "ticket", ["", "1.2.3", "².ab.4102444800.cd", "1.ab." + "9" * 5000 + ".cd"]
)
def test_malformed_tickets_are_refused(ticket):
    assert connect(f"/ws/notifications/?ticket={ticket}", headers=LOCAL_ORIGIN)[0] is False


def test_expired_or_forged_tickets_are_refused(settings):
    from project.accounts.tokens import ws_ticket_issue

    user = UserFactory()
    settings.WS_TICKET_SECONDS = 0
    expired = ws_ticket_issue(user=user)
    assert connect(f"/ws/notifications/?ticket={expired}", headers=LOCAL_ORIGIN)[0] is False
    settings.WS_TICKET_SECONDS = 60
    forged = ws_ticket_issue(user=user).rsplit(".", 1)[0] + ".00"
    assert connect(f"/ws/notifications/?ticket={forged}", headers=LOCAL_ORIGIN)[0] is False


def test_nul_in_the_socket_path_or_query_is_refused_not_an_error():
    user = UserFactory()
    token = ws_token_for(user)
    for path in ("/ws/orders/%00/", f"/ws/notifications/?token={token}&x=%00"):
        connected, _, _ = connect(path, headers=LOCAL_ORIGIN)
        assert connected is False, path


def test_staff_without_totp_cannot_open_sockets_when_mfa_is_required(settings):
    from project.accounts.roles import Role

    settings.MFA_REQUIRED_FOR_STAFF = True
    staff = UserFactory(roles=[Role.STAFF])
    customer = UserFactory()
    refused, _, _ = connect(f"/ws/notifications/?token={ws_token_for(staff)}", LOCAL_ORIGIN)
    # Control: the same handshake for a role that needs no TOTP.
    admitted, _, _ = connect(f"/ws/notifications/?token={ws_token_for(customer)}", LOCAL_ORIGIN)
    assert (refused, admitted) == (False, True)
