"""Support pages: contact form, chat page, queue, hand-off, close and the order link."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from support.models import HandOff, Message, Room

from .factories import MessageFactory, RoomFactory, order_for

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


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- contact support ------------------------------------------------------------------------


def test_home_needs_login(client):
    response = client.get(reverse("support:home"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_home_lists_my_rooms_only_with_unread_counts(client, customer, staff):
    mine = RoomFactory(customer=customer, subject="Parcel", assigned_staff=staff)
    RoomFactory(subject="Someone else's")
    MessageFactory(room=mine, author=staff, text="Reply")
    client.force_login(customer)
    response = client.get(reverse("support:home"))
    html = response.content.decode()
    assert "Parcel" in html and "Someone else" not in html
    assert "1 new" in html


def test_home_empty_state(client, customer):
    client.force_login(customer)
    assert "No conversations yet" in client.get(reverse("support:home")).content.decode()


def test_home_runs_a_constant_number_of_queries(client, customer):
    client.force_login(customer)
    RoomFactory(customer=customer)
    one = count_queries(client, reverse("support:home"))
    for _ in range(19):
        RoomFactory(customer=customer, order=order_for(customer))
    assert count_queries(client, reverse("support:home")) == one


def test_open_room_about_my_order(client, customer):
    order = order_for(customer)
    client.force_login(customer)
    response = client.post(reverse("support:home"), {"subject": "Late", "order": order.number})
    room = Room.objects.get()
    assert response.status_code == 302 and response["Location"] == room.get_absolute_url()
    assert (room.customer, room.order, room.subject) == (customer, order, "Late")


def test_open_room_with_another_users_order_is_an_error(client, customer):
    foreign = order_for(UserFactory())
    client.force_login(customer)
    response = client.post(reverse("support:home"), {"subject": "x", "order": foreign.number})
    assert response.status_code == 400
    assert "Choose one of your own orders." in response.content.decode()
    assert not Room.objects.exists()


def test_order_select_lists_only_my_orders(client, customer):
    order_for(customer, number="MINE1")
    order_for(UserFactory(), number="THEIRS1")
    client.force_login(customer)
    html = client.get(reverse("support:home")).content.decode()
    assert "MINE1" in html and "THEIRS1" not in html


# --- chat page ------------------------------------------------------------------------------


def test_room_page_escapes_history_and_wires_the_socket(client, customer):
    room = RoomFactory(customer=customer)
    MessageFactory(room=room, text="<script>alert('x')</script>")
    client.force_login(customer)
    html = client.get(room.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert f'ws-connect="/ws/support/{room.slug}/"' in html
    assert 'hx-ext="ws"' in html and "ws-send" in html
    assert "js/support-chat.js" in html


def test_another_customers_room_is_404(client, customer):
    room = RoomFactory()
    client.force_login(customer)
    assert client.get(room.get_absolute_url()).status_code == 404
    assert client.get(reverse("support:room", args=["missing"])).status_code == 404


def test_staff_see_any_room(client, staff):
    room = RoomFactory()
    client.force_login(staff)
    assert client.get(room.get_absolute_url()).status_code == 200


# --- queue ----------------------------------------------------------------------------------


def test_queue_is_for_staff(client, customer):
    client.force_login(customer)
    # Not there for customers (project.accounts.access); the matrix test covers the rest.
    assert client.get(reverse("support:queue")).status_code == 404


def test_queue_lists_waiting_and_mine_with_unread(client, staff):
    waiting = RoomFactory(subject="Waiting one")
    MessageFactory(room=waiting)
    MessageFactory(room=waiting)
    mine = RoomFactory(subject="Mine", assigned_staff=staff)
    RoomFactory(subject="Closed", status=Room.Status.CLOSED)
    client.force_login(staff)
    response = client.get(reverse("support:queue"))
    html = response.content.decode()
    assert "Waiting one" in html and "Mine" in html and "Closed" not in html
    assert 'ws-connect="/ws/support-queue/"' in html
    assert response.context["unassigned"].object_list[0].unread == 2
    assert [room.pk for room in response.context["mine"]] == [mine.pk]


def test_queue_partial_for_htmx(client, staff):
    client.force_login(staff)
    response = client.get(reverse("support:queue"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="queue-lists"')
    assert "<html" not in html


def test_queue_runs_a_constant_number_of_queries(client, manager):
    client.force_login(manager)
    RoomFactory()
    RoomFactory(assigned_staff=manager)
    RoomFactory(assigned_staff=UserFactory(roles=[Role.STAFF]))
    one = count_queries(client, reverse("support:queue"))
    for _ in range(20):
        room = RoomFactory(order=None)
        MessageFactory(room=room)
        RoomFactory(assigned_staff=manager)
        RoomFactory(assigned_staff=UserFactory(roles=[Role.STAFF]))
    assert count_queries(client, reverse("support:queue")) == one


def test_take_assigns_and_refuses_when_taken(client, staff):
    room = RoomFactory()
    client.force_login(staff)
    response = client.post(
        reverse("support:take", args=[room.slug]), headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"] == room.get_absolute_url()
    room.refresh_from_db()
    assert room.assigned_staff == staff

    other = UserFactory(roles=[Role.STAFF])
    client.force_login(other)
    response = client.post(reverse("support:take", args=[room.slug]), follow=True)
    assert "Sam already took this conversation." in response.content.decode()
    room.refresh_from_db()
    assert room.assigned_staff == staff


def test_take_needs_post_and_staff(client, customer, staff):
    room = RoomFactory(customer=customer)
    client.force_login(customer)
    assert client.post(reverse("support:take", args=[room.slug])).status_code == 404
    client.force_login(staff)
    assert client.get(reverse("support:take", args=[room.slug])).status_code == 405
    room.refresh_from_db()
    assert room.assigned_staff is None


# --- hand-off -------------------------------------------------------------------------------


def test_manager_hands_off_from_the_room_page(client, staff, manager):
    room = RoomFactory(assigned_staff=staff)
    new_staff = UserFactory(name="Tia", roles=[Role.STAFF])
    client.force_login(manager)
    page = client.get(room.get_absolute_url()).content.decode()
    assert "Hand over" in page and "Tia" in page
    response = client.post(reverse("support:handoff", args=[room.slug]), {"to_staff": new_staff.pk})
    assert response.status_code == 302
    room.refresh_from_db()
    assert room.assigned_staff == new_staff
    assert HandOff.objects.get().by == manager
    assert Message.objects.get(kind="system").text == "Max handed the conversation from Sam to Tia."


def test_handoff_form_errors_are_shown(client, staff, manager):
    room = RoomFactory(assigned_staff=staff)
    client.force_login(manager)
    response = client.post(reverse("support:handoff", args=[room.slug]), {"to_staff": ""})
    assert response.status_code == 400
    assert "Choose a staff member." in response.content.decode()
    response = client.post(
        reverse("support:handoff", args=[room.slug]), {"to_staff": UserFactory().pk}
    )
    assert "Choose one of the staff members in the list." in response.content.decode()
    assert not HandOff.objects.exists()


def test_only_managers_hand_off(client, staff):
    room = RoomFactory(assigned_staff=staff)
    client.force_login(staff)
    assert "Hand over" not in client.get(room.get_absolute_url()).content.decode()
    response = client.post(
        reverse("support:handoff", args=[room.slug]),
        {"to_staff": UserFactory(roles=[Role.STAFF]).pk},
    )
    assert response.status_code == 403
    assert not HandOff.objects.exists()


def test_handoff_needs_csrf(staff, manager):
    from django.test import Client

    room = RoomFactory(assigned_staff=staff)
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = client.post(
        reverse("support:handoff", args=[room.slug]),
        {"to_staff": UserFactory(roles=[Role.STAFF]).pk},
    )
    assert response.status_code == 403


# --- close ----------------------------------------------------------------------------------


def test_customer_closes_their_room_and_others_cannot(client, customer):
    room = RoomFactory(customer=customer)
    stranger_staff = UserFactory(roles=[Role.STAFF])
    client.force_login(stranger_staff)
    assert client.post(reverse("support:close", args=[room.slug])).status_code == 403
    client.force_login(customer)
    response = client.post(reverse("support:close", args=[room.slug]), follow=True)
    assert "The conversation is closed." in response.content.decode()
    room.refresh_from_db()
    assert room.status == Room.Status.CLOSED


# --- order link -----------------------------------------------------------------------------


def test_order_room_get_never_creates_a_room(client, customer):
    # A cross-site <img src=".../support/order/<number>/"> must not open conversations.
    order = order_for(customer)
    client.force_login(customer)
    response = client.get(reverse("support:order_room", args=[order.number]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Start chat" in page and 'method="post"' in page and "csrfmiddlewaretoken" in page
    assert not Room.objects.exists()


def test_order_room_post_opens_the_room_and_get_then_shows_it(client, customer):
    order = order_for(customer)
    client.force_login(customer)
    first = client.post(reverse("support:order_room", args=[order.number]))
    room = Room.objects.get()
    assert first["Location"] == room.get_absolute_url() and room.order == order
    again = client.post(reverse("support:order_room", args=[order.number]))
    assert again["Location"] == room.get_absolute_url()
    shown = client.get(reverse("support:order_room", args=[order.number]))
    assert shown["Location"] == room.get_absolute_url()
    assert Room.objects.count() == 1


def test_order_room_post_needs_csrf(customer):
    from django.test import Client

    order = order_for(customer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    assert client.post(reverse("support:order_room", args=[order.number])).status_code == 403
    assert not Room.objects.exists()


def test_order_room_of_another_user_is_404(client, customer):
    foreign = order_for(UserFactory())
    client.force_login(customer)
    assert client.get(reverse("support:order_room", args=[foreign.number])).status_code == 404
    assert client.post(reverse("support:order_room", args=[foreign.number])).status_code == 404
    assert not Room.objects.exists()


def test_admin_pages_render(admin_client, staff):
    room = RoomFactory(assigned_staff=staff)
    MessageFactory(room=room)
    for name in ("room", "message", "membership", "handoff"):
        assert admin_client.get(reverse(f"admin:support_{name}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:support_room_change", args=[room.pk])).status_code == 200
