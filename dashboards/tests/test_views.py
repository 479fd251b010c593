import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from shop.models import Order
from shop.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def make_order(user, n):
    return Order.objects.create(
        number=f"TS-2026-{n:06d}",
        user=user,
        email=user.email,
        currency="VND",
        total="990000.00",
        status=Order.Status.PAID,
        idempotency_key=str(n),
    )


def test_customer_dashboard_lists_only_my_orders(client):
    me, other = UserFactory(), UserFactory()
    make_order(me, 1)
    make_order(other, 2)
    client.force_login(me)
    page = client.get(reverse("dashboards:role", args=["customer"])).content.decode()
    assert "TS-2026-000001" in page
    assert "TS-2026-000002" not in page


def test_customer_dashboard_empty_state(client):
    client.force_login(UserFactory())
    page = client.get(reverse("dashboards:role", args=["customer"])).content.decode()
    assert "No orders yet" in page


def test_staff_dashboard_shows_low_stock_and_recent_orders(client):
    ProductFactory(name="Gateron Oil King", stock=2, low_stock_threshold=5)
    ProductFactory(name="Plenty Keycaps", stock=80, low_stock_threshold=5)
    make_order(UserFactory(), 7)
    client.force_login(UserFactory(roles=[Role.STAFF]))
    page = client.get(reverse("dashboards:role", args=["staff"])).content.decode()
    assert "Gateron Oil King" in page
    assert "Plenty Keycaps" not in page
    assert "TS-2026-000007" in page


def test_staff_dashboard_query_count_is_constant(client):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    url = reverse("dashboards:role", args=["staff"])

    def queries_with(n):
        for i in range(n):
            ProductFactory(stock=1, low_stock_threshold=5)
            make_order(UserFactory(), Order.objects.count() + 100 + i)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries_with(1) == queries_with(49)


def test_customer_dashboard_lists_my_tickets_and_chats(client):
    from events.tests.factories import TicketTypeFactory, buy
    from support.models import Room

    me = UserFactory()
    ticket_type = TicketTypeFactory(price="100000", event__title="Saigon Night Run")
    buy(user=me, ticket_type=ticket_type)
    Room.objects.create(slug="my-keyboard-question", customer=me, subject="Keyboard question")
    client.force_login(me)
    page = client.get(reverse("dashboards:role", args=["customer"])).content.decode()
    assert "Saigon Night Run" in page
    assert "Keyboard question" in page


def test_staff_dashboard_shows_the_support_queue(client):
    from support.models import Room

    Room.objects.create(
        slug="waiting-room", customer=UserFactory(name="Hoa"), subject="Late parcel"
    )
    client.force_login(UserFactory(roles=[Role.STAFF]))
    page = client.get(reverse("dashboards:role", args=["staff"])).content.decode()
    assert "Late parcel" in page
