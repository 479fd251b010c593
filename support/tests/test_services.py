"""Support services without sockets: joining rules, hand-off checks, missed-reply e-mails,
the rate limit and presence."""

import time

import pytest

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from support import services
from support.models import HandOff, Membership, Message, Room
from tests.concurrency import run_together

from .factories import RoomFactory, order_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    return UserFactory(name="Chau")


@pytest.fixture
def staff():
    return UserFactory(name="Sam", roles=[Role.STAFF])


@pytest.fixture
def manager():
    return UserFactory(name="Max", roles=[Role.MANAGER])


def test_room_open_refuses_another_users_order(customer):
    foreign = order_for(UserFactory())
    with pytest.raises(services.SupportError, match="not yours"):
        services.room_open(customer=customer, order=foreign)
    assert not Room.objects.exists()


def test_room_for_order_is_reused_while_open(customer, staff):
    order = order_for(customer)
    first = services.room_for_order(order=order, customer=customer)
    assert services.room_for_order(order=order, customer=customer) == first
    assert first.subject == f"Order {order.number}"
    services.room_close(room=first, by=staff if first.assigned_staff_id else customer)
    assert services.room_for_order(order=order, customer=customer) != first


def test_join_decides_modes(customer, staff, manager):
    other_staff = UserFactory(roles=[Role.STAFF])
    room = RoomFactory(customer=customer)
    assert services.room_join(slug=room.slug, user=customer).mode == "writer"
    assert services.room_join(slug=room.slug, user=staff).mode == "writer"
    assert services.room_join(slug=room.slug, user=manager).mode == "viewer"
    with pytest.raises(services.SupportRefused, match="two writers"):
        services.room_join(slug=room.slug, user=other_staff)
    with pytest.raises(services.SupportRefused, match="another customer"):
        services.room_join(slug=room.slug, user=UserFactory())


def test_slug_longer_than_the_column_is_refused(customer):
    with pytest.raises(services.SupportRefused, match="at most 80"):
        services.room_join(slug="x" * 81, user=customer)


def test_handoff_checks_and_records(customer, staff, manager):
    room = RoomFactory(customer=customer, assigned_staff=staff)
    Membership.objects.create(room=room, user=staff, mode="writer")
    new_staff = UserFactory(name="Tia", roles=[Role.STAFF])
    with pytest.raises(services.SupportError, match="Only managers"):
        services.room_handoff(room=room, to_staff=new_staff, by=staff)
    with pytest.raises(services.SupportError, match="Choose a staff member"):
        services.room_handoff(room=room, to_staff=UserFactory(), by=manager)
    with pytest.raises(services.SupportError, match="already answering"):
        services.room_handoff(room=room, to_staff=staff, by=manager)

    services.room_handoff(room=room, to_staff=new_staff, by=manager)
    room.refresh_from_db()
    assert room.assigned_staff == new_staff
    assert HandOff.objects.filter(
        room=room, from_staff=staff, to_staff=new_staff, by=manager
    ).exists()
    active = dict(
        Membership.objects.filter(room=room, ended__isnull=True).values_list("user__name", "mode")
    )
    assert active == {"Chau": "writer", "Sam": "viewer", "Tia": "writer"}
    assert Message.objects.get(kind="system").text == "Max handed the conversation from Sam to Tia."
    with pytest.raises(services.SupportError, match="viewing"):
        services.message_post(room_id=room.pk, author=staff, text="hi")


def test_missed_reply_email_at_most_once_per_window(
    customer, staff, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SUPPORT_MISSED_REPLY_MINUTES = 10
    room = RoomFactory(customer=customer, assigned_staff=staff)
    services.message_post(room_id=room.pk, author=customer, text="Where is my parcel?")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(room_id=room.pk, author=staff, text="It ships <today>")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(room_id=room.pk, author=staff, text="Tracking: 123")
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "Where is my parcel?" in body and "It ships <today>" in body
    html = mailoutbox[0].alternatives[0][0]
    assert "It ships &lt;today&gt;" in html

    # After the window another reply e-mails again.
    Room.objects.filter(pk=room.pk).update(missed_reply_emailed_at="2000-01-01T00:00:00Z")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(room_id=room.pk, author=staff, text="Delivered?")
    assert len(mailoutbox) == 2


def test_customer_messages_never_email(
    customer, staff, mailoutbox, django_capture_on_commit_callbacks
):
    room = RoomFactory(customer=customer, assigned_staff=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(room_id=room.pk, author=customer, text="hello")
    assert mailoutbox == []


def test_rate_limit_is_a_sliding_window(settings):
    settings.SUPPORT_RATE_LIMIT = 2
    settings.SUPPORT_RATE_LIMIT_SECONDS = 1
    assert services.rate_limit_exceeded(user_id=7) is False
    assert services.rate_limit_exceeded(user_id=7) is False
    assert services.rate_limit_exceeded(user_id=7) is True
    assert services.rate_limit_exceeded(user_id=8) is False  # per user
    time.sleep(1.1)
    assert services.rate_limit_exceeded(user_id=7) is False


def test_presence_tracks_each_socket(settings):
    services.presence_enter(room_id=1, user_id=2, channel_name="a")
    services.presence_enter(room_id=1, user_id=2, channel_name="b")
    services.presence_leave(room_id=1, user_id=2, channel_name="a")
    assert services.user_is_present(room_id=1, user_id=2)
    services.presence_leave(room_id=1, user_id=2, channel_name="b")
    assert not services.user_is_present(room_id=1, user_id=2)
    assert not services.user_is_present(room_id=1, user_id=3)


def test_unread_counts(customer, staff):
    from support.selectors import queue_unassigned, rooms_for_customer

    room = RoomFactory(customer=customer)
    services.message_post(room_id=room.pk, author=customer, text="one")
    services.message_post(room_id=room.pk, author=customer, text="two")
    assert queue_unassigned().get().unread == 2
    services.room_assign(room=room, staff=staff)  # taking the room counts as reading it
    services.message_post(room_id=room.pk, author=staff, text="hi")
    assert rooms_for_customer(user=customer).get().unread == 1
    services.room_mark_seen(room_id=room.pk, user=customer)
    assert rooms_for_customer(user=customer).get().unread == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_racing_for_one_room_only_one_becomes_writer(customer):
    room = RoomFactory(customer=customer)
    people = [UserFactory(roles=[Role.STAFF]) for _ in range(6)]

    def join(i):
        try:
            return services.room_join(slug=room.slug, user=people[i]).mode
        except services.SupportRefused:
            return "refused"

    results = run_together(len(people), join)

    assert sorted(results) == ["refused"] * 5 + ["writer"]
    assert Membership.objects.filter(room=room, mode="writer", ended__isnull=True).count() == 2
