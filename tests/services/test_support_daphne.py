"""The support chat's rules against a running daphne, with real WebSocket clients and the
Redis channel layer (the test process and daphne share PostgreSQL and Redis).

One daphne serves the whole module, with a short idle timeout and a small rate limit.
"""

import asyncio
import json

import pytest
from django.conf import settings
from django.db import connection
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from project.accounts.tokens import ws_token_for
from support import services
from support.models import HandOff, Message, Room
from support.tests.factories import MessageFactory, RoomFactory

from .daphne import daphne_server

pytestmark = [pytest.mark.services, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

IDLE_SECONDS = 2
RATE_LIMIT = 5


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    env = {
        "REDIS_URL": settings.REDIS_URL,
        "SUPPORT_IDLE_SECONDS": str(IDLE_SECONDS),
        "SUPPORT_RATE_LIMIT": str(RATE_LIMIT),
        "SUPPORT_RATE_LIMIT_SECONDS": "60",
    }
    with daphne_server(env=env) as address:
        yield address


@pytest.fixture(autouse=True)
def _same_rules_here(settings):
    # Services called from this process (hand-off) follow the same limits as daphne.
    settings.SUPPORT_IDLE_SECONDS = IDLE_SECONDS
    settings.SUPPORT_RATE_LIMIT = RATE_LIMIT


def url(server, slug, user=None):
    query = f"?token={ws_token_for(user)}" if user is not None else ""
    return f"ws://{server}/ws/support/{slug}/{query}"


ORIGIN = {"origin": "http://localhost"}


async def recv(ws, timeout=3):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def until(ws, kind, timeout=3):
    while True:
        event = await recv(ws, timeout)
        if event.get("type") == kind:
            return event


async def raw_until(ws, kind, timeout=3):
    """The raw text of the next event of `kind` (other events, e.g. a late "joined"
    announcement, are skipped: delivery order across groups is not guaranteed)."""
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout)
        if json.loads(raw).get("type") == kind:
            return raw


async def system_until(ws, words, timeout=3):
    while True:
        event = await until(ws, "system", timeout)
        if words in event["message"]:
            return event


async def join(ws):
    history = []
    while True:
        event = await recv(ws)
        if event.get("type") == "mode":
            return history, event["mode"]
        history.append(event)


async def in_thread(func, **kwargs):
    def call():
        try:
            return func(**kwargs)
        finally:
            connection.close()

    return await asyncio.to_thread(call)


def test_refusals(server):
    customer, intruder = UserFactory(), UserFactory()
    room = RoomFactory(customer=customer)

    async def body():
        # Anonymous (browser without a session): the handshake is refused.
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url(server, room.slug), additional_headers=ORIGIN):
                pass
        assert refused.value.response.status_code == 403
        # Another site's page, even with a valid token.
        with pytest.raises(InvalidStatus):
            async with connect(
                url(server, room.slug, customer),
                additional_headers={"origin": "https://evil.example.com"},
            ):
                pass
        # Another customer: an error they can read, then close 4003.
        async with connect(url(server, room.slug, intruder)) as ws:
            assert (await recv(ws))["message"] == "This conversation belongs to another customer."
            with pytest.raises(ConnectionClosed):
                await recv(ws)
            assert ws.close_code == 4003

    asyncio.run(body())


def test_two_writers_viewers_and_handoff(server):
    customer = UserFactory(name="Chau")
    first = UserFactory(name="Sam", roles=[Role.STAFF])
    second = UserFactory(name="Tia", roles=[Role.STAFF])
    manager = UserFactory(name="Max", roles=[Role.MANAGER])

    async def body():
        # wscat-style: a token, no Origin header; an unknown slug creates the room.
        async with connect(url(server, "daphne-room", customer)) as cust:
            assert await join(cust) == ([], "writer")
            async with connect(url(server, "daphne-room", first)) as agent:
                history, mode = await join(agent)
                assert mode == "writer" and history[-1]["message"] == "Sam joined the conversation."
                await until(cust, "system")

                # Third writer.
                async with connect(url(server, "daphne-room", second)) as third:
                    error = await recv(third)
                    assert error["type"] == "error" and "two writers" in error["message"]
                    with pytest.raises(ConnectionClosed):
                        await recv(third)
                    assert third.close_code == 4003

                # Chat, typing, escaping.
                await cust.send(json.dumps({"typing": True}))
                assert await until(agent, "typing") == {"type": "typing", "user": "Chau"}
                text = "<b>bold?</b> & more"
                await cust.send(json.dumps({"message": text}))
                raw = await raw_until(agent, "chat_message")
                assert "<" not in raw and json.loads(raw)["message"] == text
                assert (await until(cust, "chat_message"))["user"] == "Chau"

                # Limits.
                await cust.send(json.dumps({"message": "x" * 2001}))
                assert "at most 2000" in (await until(cust, "error"))["message"]
                await cust.send("not json")
                assert (await until(cust, "error"))["type"] == "error"

                # The manager watches; then hands the room to Tia.
                async with connect(url(server, "daphne-room", manager)) as watcher:
                    assert (await join(watcher))[1] == "viewer"
                    await watcher.send(json.dumps({"message": "manager here"}))
                    assert "viewing" in (await until(watcher, "error"))["message"]

                room = await in_thread(Room.objects.get, slug="daphne-room")
                await in_thread(services.room_handoff, room=room, to_staff=second, by=manager)
                announced = await system_until(agent, "handed the conversation")
                assert announced["message"] == "Max handed the conversation from Sam to Tia."
                assert await until(agent, "mode") == {"type": "mode", "mode": "viewer"}
                await agent.send(json.dumps({"message": "still Sam"}))
                assert "viewing" in (await until(agent, "error"))["message"]

                async with connect(url(server, "daphne-room", second)) as new_agent:
                    assert (await join(new_agent))[1] == "writer"
                    await new_agent.send(json.dumps({"message": "Tia here"}))
                    assert (await until(agent, "chat_message"))["message"] == "Tia here"
                    assert (await until(cust, "chat_message"))["message"] == "Tia here"

    asyncio.run(body())
    chat = list(Message.objects.filter(kind="chat").values_list("text", flat=True))
    assert chat == ["<b>bold?</b> & more", "Tia here"]
    assert HandOff.objects.get().to_staff == second


def test_history_rate_limit_and_idle_close(server):
    customer = UserFactory()
    room = RoomFactory(customer=customer)
    for number in range(55):
        MessageFactory(room=room, text=f"old {number}")

    async def body():
        async with connect(url(server, room.slug, customer), additional_headers=ORIGIN) as ws:
            history, mode = await join(ws)
            assert [event["message"] for event in history] == [f"old {n}" for n in range(5, 55)]
            for number in range(RATE_LIMIT):
                await ws.send(json.dumps({"message": f"new {number}"}))
                assert (await recv(ws))["type"] == "chat_message"
            await ws.send(json.dumps({"message": "too many"}))
            assert "too fast" in (await recv(ws))["message"]
            # Then silence: the server closes the socket after IDLE_SECONDS.
            notice = await recv(ws, timeout=IDLE_SECONDS + 2)
            assert notice == {"message": "Connection closed due to inactivity.", "user": "system"}
            with pytest.raises(ConnectionClosed):
                await recv(ws)

    asyncio.run(body())
    assert Message.objects.filter(text__startswith="new").count() == RATE_LIMIT
    assert not Message.objects.filter(text="too many").exists()
