"""The support socket, rule by rule, through the whole ASGI stack (Origin check, session or
token auth, routing) with WebsocketCommunicator."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from project.accounts.tokens import ws_token_for
from project.asgi import application
from support import services
from support.models import HandOff, Membership, Message, Room

from .factories import MessageFactory, RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = [(b"origin", b"http://localhost")]


def communicator(user=None, slug="help-desk", headers=None):
    path = f"/ws/support/{slug}/"
    if user is not None:
        path += f"?token={ws_token_for(user)}"
    return WebsocketCommunicator(application, path, headers=ORIGIN if headers is None else headers)


async def join(comm):
    """Connect and read up to the mode event: returns (history events, mode)."""
    connected, code = await comm.connect(timeout=3)
    assert connected, f"refused with {code}"
    history = []
    while True:
        event = await comm.receive_json_from(timeout=3)
        if event.get("type") == "mode":
            return history, event["mode"]
        history.append(event)


async def refused(comm):
    """Connect a socket that must be refused after accept: returns (error event, close code)."""
    connected, _ = await comm.connect(timeout=3)
    assert connected
    error = await comm.receive_json_from(timeout=3)
    closing = await comm.receive_output(timeout=3)
    assert closing["type"] == "websocket.close"
    return error, closing.get("code")


async def next_of_type(comm, kind, timeout=3):
    while True:
        event = await comm.receive_json_from(timeout=timeout)
        if event.get("type") == kind:
            return event


def run(coro_fn):
    return async_to_sync(coro_fn)()


db = database_sync_to_async


@pytest.fixture
def customer():
    return UserFactory(name="Chau Customer")


@pytest.fixture
def staff():
    return UserFactory(name="Sam Staff", roles=[Role.STAFF])


@pytest.fixture
def staff2():
    return UserFactory(name="Tia Staff", roles=[Role.STAFF])


@pytest.fixture
def manager():
    return UserFactory(name="Max Manager", roles=[Role.MANAGER])


# --- connecting -----------------------------------------------------------------------------


def test_anonymous_is_refused_before_accept():
    async def body():
        comm = communicator()
        connected, code = await comm.connect(timeout=3)
        assert (connected, code) == (False, 4003)

    run(body)
    assert not Room.objects.exists()


def test_foreign_origin_is_refused(customer):
    async def body():
        comm = communicator(customer, headers=[(b"origin", b"https://evil.example.com")])
        connected, _ = await comm.connect(timeout=3)
        assert connected is False

    run(body)
    assert not Room.objects.exists()


def test_token_auth_customer_creates_unknown_room_and_owns_it(customer):
    async def body():
        comm = communicator(customer, slug="my-new-room")
        history, mode = await join(comm)
        assert (history, mode) == ([], "writer")
        await comm.disconnect()

    run(body)
    room = Room.objects.get(slug="my-new-room")
    assert room.customer == customer
    assert room.memberships.get().mode == Membership.Mode.WRITER


def test_bad_token_is_refused(customer):
    async def body():
        comm = WebsocketCommunicator(application, "/ws/support/x/?token=1.nope", headers=ORIGIN)
        connected, _ = await comm.connect(timeout=3)
        assert connected is False

    run(body)


def test_browser_session_authenticates(client, customer):
    client.force_login(customer)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    async def body():
        comm = communicator(headers=[*ORIGIN, (b"cookie", cookie)], slug="from-browser")
        _, mode = await join(comm)
        assert mode == "writer"
        await comm.disconnect()

    run(body)
    assert Room.objects.get(slug="from-browser").customer == customer


def test_another_customer_is_refused_with_an_error(customer):
    room = RoomFactory(customer=customer)
    intruder = UserFactory()

    async def body():
        error, code = await refused(communicator(intruder, slug=room.slug))
        assert error == {
            "type": "error",
            "message": "This conversation belongs to another customer.",
        }
        assert code == 4003

    run(body)


def test_staff_cannot_create_rooms_by_slug(staff):
    async def body():
        error, code = await refused(communicator(staff, slug="no-such-room"))
        assert error["type"] == "error" and "does not exist" in error["message"]
        assert code == 4003

    run(body)
    assert not Room.objects.exists()


def test_reserved_slug_is_refused(customer):
    async def body():
        error, _ = await refused(communicator(customer, slug="queue"))
        assert "cannot be a room name" in error["message"]

    run(body)


# --- writers, viewers, hand-off -----------------------------------------------------------


def test_staff_joining_a_room_without_staff_becomes_its_writer(customer, staff):
    room = RoomFactory(customer=customer)

    async def body():
        cust = communicator(customer, slug=room.slug)
        await join(cust)
        agent = communicator(staff, slug=room.slug)
        history, mode = await join(agent)
        assert mode == "writer"
        assert history[-1]["type"] == "system"
        assert history[-1]["message"] == "Sam Staff joined the conversation."
        # The customer hears about it live.
        event = await next_of_type(cust, "system")
        assert event["message"] == "Sam Staff joined the conversation."
        # ...with the room's new state, so the page header stops saying "Waiting".
        assert event["room"] == {"assigned_staff": "Sam Staff", "open": True}
        await cust.disconnect()
        await agent.disconnect()

    run(body)
    room.refresh_from_db()
    assert room.assigned_staff == staff


def test_third_writer_gets_an_error_and_is_disconnected(customer, staff, staff2):
    room = RoomFactory(customer=customer, assigned_staff=staff)

    async def body():
        error, code = await refused(communicator(staff2, slug=room.slug))
        assert error["type"] == "error"
        assert "two writers at most" in error["message"]
        assert code == 4003

    run(body)
    room.refresh_from_db()
    assert room.assigned_staff == staff


def test_manager_watches_any_room_as_a_viewer(customer, staff, manager):
    room = RoomFactory(customer=customer, assigned_staff=staff)

    async def body():
        cust = communicator(customer, slug=room.slug)
        await join(cust)
        watcher = communicator(manager, slug=room.slug)
        _, mode = await join(watcher)
        assert mode == "viewer"
        await watcher.send_json_to({"message": "I should not be stored"})
        error = await watcher.receive_json_from(timeout=3)
        assert error == {
            "type": "error",
            "message": "You are viewing this conversation and cannot send messages.",
        }
        # A viewer still receives the conversation.
        await cust.send_json_to({"message": "Hello?"})
        event = await next_of_type(watcher, "chat_message")
        assert event["message"] == "Hello?"
        await cust.disconnect()
        await watcher.disconnect()

    run(body)
    assert list(Message.objects.values_list("text", flat=True)) == ["Hello?"]


def test_handoff_turns_the_replaced_staff_socket_read_only_at_once(
    customer, staff, staff2, manager
):
    room = RoomFactory(customer=customer)

    async def body():
        cust = communicator(customer, slug=room.slug)
        await join(cust)
        first = communicator(staff, slug=room.slug)
        _, mode = await join(first)
        assert mode == "writer"
        await cust.receive_json_from(timeout=3)  # "... joined"

        await db(services.room_handoff)(room=room, to_staff=staff2, by=manager)

        # (Its own "joined" announcement may still be on the way first.)
        announced = await first.receive_json_from(timeout=3)
        if announced["message"].endswith("joined the conversation."):
            announced = await first.receive_json_from(timeout=3)
        assert announced["type"] == "system"
        assert announced["message"] == (
            "Max Manager handed the conversation from Sam Staff to Tia Staff."
        )
        personal = await first.receive_json_from(timeout=3)
        assert personal["type"] == "system" and "no longer write" in personal["message"]
        assert await first.receive_json_from(timeout=3) == {"type": "mode", "mode": "viewer"}
        assert (await cust.receive_json_from(timeout=3))["message"] == announced["message"]

        # The old staff member's message is refused and not stored ...
        await first.send_json_to({"message": "still me"})
        error = await first.receive_json_from(timeout=3)
        assert error["type"] == "error" and "viewing" in error["message"]

        # ... the new one writes, and the old one still reads.
        second = communicator(staff2, slug=room.slug)
        _, mode = await join(second)
        assert mode == "writer"
        await second.send_json_to({"message": "Tia here, I take over."})
        event = await next_of_type(first, "chat_message")
        assert event["user"] == "Tia Staff"

        # Reconnecting does not give the old staff member the pen back.
        await first.disconnect()
        again = communicator(staff, slug=room.slug)
        _, mode = await join(again)
        assert mode == "viewer"
        for comm in (cust, second, again):
            await comm.disconnect()

    run(body)
    texts = list(Message.objects.filter(kind="chat").values_list("text", flat=True))
    assert texts == ["Tia here, I take over."]
    handoff = HandOff.objects.get()
    assert (handoff.from_staff, handoff.to_staff, handoff.by) == (staff, staff2, manager)
    assert Membership.objects.get(room=room, user=staff, ended__isnull=True).mode == "viewer"


def test_closing_makes_every_socket_read_only(customer, staff):
    room = RoomFactory(customer=customer, assigned_staff=staff)

    async def body():
        cust = communicator(customer, slug=room.slug)
        await join(cust)
        await db(services.room_close)(room=room, by=staff)
        assert (await cust.receive_json_from(timeout=3))[
            "message"
        ] == "Sam Staff closed the conversation."
        assert await cust.receive_json_from(timeout=3) == {"type": "mode", "mode": "viewer"}
        await cust.send_json_to({"message": "wait"})
        assert (await cust.receive_json_from(timeout=3))["type"] == "error"
        await cust.disconnect()

    run(body)
    assert not Message.objects.filter(kind="chat").exists()


# --- protocol -------------------------------------------------------------------------------


def test_messages_reach_both_writers_with_name_id_and_time(customer, staff):
    room = RoomFactory(customer=customer, assigned_staff=staff)

    async def body():
        cust = communicator(customer, slug=room.slug)
        await join(cust)
        agent = communicator(staff, slug=room.slug)
        await join(agent)
        await cust.send_json_to({"message": "  My parcel is late  "})
        mine = await cust.receive_json_from(timeout=3)
        theirs = await agent.receive_json_from(timeout=3)
        assert mine == theirs
        assert mine["type"] == "chat_message"
        assert mine["message"] == "My parcel is late"
        assert mine["user"] == "Chau Customer"
        stored = await db(Message.objects.get)()
        assert mine["id"] == stored.pk
        assert mine["created"] == stored.created.isoformat()
        await cust.disconnect()
        await agent.disconnect()

    run(body)


def test_history_on_join_is_the_last_50_messages_oldest_first(customer):
    room = RoomFactory(customer=customer)
    for number in range(60):
        MessageFactory(room=room, text=f"m{number}")

    async def body():
        history, mode = await join(communicator(customer, slug=room.slug))
        assert [event["message"] for event in history] == [f"m{n}" for n in range(10, 60)]
        assert all(event["type"] == "chat_message" for event in history)
        assert mode == "writer"

    run(body)


@pytest.mark.parametrize(
    "frame",
    ["not json", "[1, 2]", '"text"', "{}", '{"message": 5}', '{"message": null}', '{"msg": "x"}'],
)
def test_malformed_frames_get_an_error_and_nothing_is_stored(customer, frame):
    async def body():
        comm = communicator(customer)
        await join(comm)
        await comm.send_to(text_data=frame)
        error = await comm.receive_json_from(timeout=3)
        assert error["type"] == "error"
        assert '{"message": "Hello"}' in error["message"]
        await comm.disconnect()

    run(body)
    assert not Message.objects.exists()


def test_empty_message_is_refused(customer):
    async def body():
        comm = communicator(customer)
        await join(comm)
        await comm.send_json_to({"message": "   "})
        assert (await comm.receive_json_from(timeout=3))["message"] == "Type a message first."
        await comm.disconnect()

    run(body)
    assert not Message.objects.exists()


def test_length_limit(customer, settings):
    settings.SUPPORT_MESSAGE_MAX_LENGTH = 2000

    async def body():
        comm = communicator(customer)
        await join(comm)
        await comm.send_json_to({"message": "x" * 2001})
        error = await comm.receive_json_from(timeout=3)
        assert error["type"] == "error"
        assert "at most 2000 characters" in error["message"]
        await comm.send_json_to({"message": "y" * 2000})
        assert (await comm.receive_json_from(timeout=3))["type"] == "chat_message"
        await comm.disconnect()

    run(body)
    assert [len(text) for text in Message.objects.values_list("text", flat=True)] == [2000]


def test_rate_limit_per_user(customer, settings):
    settings.SUPPORT_RATE_LIMIT = 3
    settings.SUPPORT_RATE_LIMIT_SECONDS = 60

    async def body():
        comm = communicator(customer)
        await join(comm)
        for number in range(3):
            await comm.send_json_to({"message": f"fast {number}"})
            assert (await comm.receive_json_from(timeout=3))["type"] == "chat_message"
        await comm.send_json_to({"message": "one too many"})
        error = await comm.receive_json_from(timeout=3)
        assert error["type"] == "error" and "too fast" in error["message"]
        # The limit is per user, not per socket: another room of the same user is limited too.
        other = communicator(customer, slug="second-room")
        await join(other)
        await other.send_json_to({"message": "elsewhere"})
        assert (await other.receive_json_from(timeout=3))["type"] == "error"
        await comm.disconnect()
        await other.disconnect()

    run(body)
    assert Message.objects.count() == 3


def test_rooms_made_up_over_the_socket_are_rate_limited_per_user(customer, settings):
    settings.SUPPORT_ROOM_CREATE_LIMIT = 3
    settings.SUPPORT_ROOM_CREATE_SECONDS = 3600

    async def body():
        for number in range(3):
            comm = communicator(customer, slug=f"made-up-{number}")
            await join(comm)
            await comm.disconnect()
        error, code = await refused(communicator(customer, slug="made-up-3"))
        assert code == 4003 and "too fast" in error["message"]
        # Joining a room that exists is not creating one: still allowed.
        comm = communicator(customer, slug="made-up-0")
        await join(comm)
        await comm.disconnect()
        # Another customer has a limit of their own.
        other = await database_sync_to_async(UserFactory)()
        comm = communicator(other, slug="made-up-other")
        await join(comm)
        await comm.disconnect()

    run(body)
    assert Room.objects.filter(customer=customer).count() == 3
    assert not Room.objects.filter(slug="made-up-3").exists()


def test_typing_reaches_the_others_only(customer, staff):
    room = RoomFactory(customer=customer, assigned_staff=staff)

    async def body():
        cust = communicator(customer, slug=room.slug)
        await join(cust)
        agent = communicator(staff, slug=room.slug)
        await join(agent)
        await cust.send_json_to({"typing": True})
        assert await agent.receive_json_from(timeout=3) == {
            "type": "typing",
            "user": "Chau Customer",
        }
        assert await cust.receive_nothing(timeout=0.3)
        await cust.disconnect()
        await agent.disconnect()

    run(body)
    assert not Message.objects.exists()


def test_text_is_never_sent_as_markup(customer):
    attack = '<div id="chat-log" hx-swap-oob="true"><img src=x onerror=alert(1)></div> & co'

    async def body():
        comm = communicator(customer)
        await join(comm)
        await comm.send_json_to({"message": attack})
        raw = await comm.receive_from(timeout=3)
        # The frame carries no markup characters for the htmx ws extension to swap ...
        assert "<" not in raw and ">" not in raw and "&" not in raw
        # ... and decodes to the exact text.
        assert json.loads(raw)["message"] == attack
        await comm.disconnect()

    run(body)
    assert Message.objects.get().text == attack


# --- inactivity --------------------------------------------------------------------------


def test_idle_connection_is_closed_with_a_system_message(customer, settings):
    settings.SUPPORT_IDLE_SECONDS = 1

    async def body():
        comm = communicator(customer)
        await join(comm)
        # Activity resets the timer.
        assert await comm.receive_nothing(timeout=0.6)
        await comm.send_json_to({"message": "still here"})
        assert (await comm.receive_json_from(timeout=3))["type"] == "chat_message"
        assert await comm.receive_nothing(timeout=0.6)
        notice = await comm.receive_json_from(timeout=2)
        assert notice == {"message": "Connection closed due to inactivity.", "user": "system"}
        closing = await comm.receive_output(timeout=2)
        assert closing["type"] == "websocket.close"

    run(body)


# --- the staff queue socket -----------------------------------------------------------------


def test_queue_socket_is_for_staff_and_hears_about_new_rooms(customer, staff):
    async def body():
        comm = WebsocketCommunicator(
            application, f"/ws/support-queue/?token={ws_token_for(customer)}", headers=ORIGIN
        )
        connected, code = await comm.connect(timeout=3)
        # A customer is told the socket does not exist (the rule of project.accounts.access).
        assert (connected, code) == (False, 4404)

        queue = WebsocketCommunicator(
            application, f"/ws/support-queue/?token={ws_token_for(staff)}", headers=ORIGIN
        )
        connected, _ = await queue.connect(timeout=3)
        assert connected
        assert await queue.receive_json_from(timeout=3) == {"type": "queue_changed"}
        room = communicator(customer, slug="brand-new")
        await join(room)
        assert await queue.receive_json_from(timeout=3) == {"type": "queue_changed"}
        await room.disconnect()
        await queue.disconnect()

    run(body)


# --- missed replies -------------------------------------------------------------------------


def test_reply_while_customer_is_away_is_emailed_once(customer, staff, mailoutbox, settings):
    settings.SUPPORT_MISSED_REPLY_MINUTES = 10
    room = RoomFactory(customer=customer, assigned_staff=staff)

    async def body():
        cust = communicator(customer, slug=room.slug)
        await join(cust)
        agent = communicator(staff, slug=room.slug)
        await join(agent)
        await agent.send_json_to({"message": "Customer is here: no e-mail"})
        await next_of_type(agent, "chat_message")
        assert len(mailoutbox) == 0
        await cust.disconnect()
        await agent.send_json_to({"message": "Your refund is on its way"})
        await next_of_type(agent, "chat_message")
        await agent.send_json_to({"message": "A second reply in the same window"})
        await next_of_type(agent, "chat_message")
        await agent.disconnect()

    run(body)
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [customer.email]
    assert "Your refund is on its way" in email.body
    assert f"/support/{room.slug}/" in email.body
