"""Issue 9 §6: an audit log of staff actions, written with the change, shown on the staff
order page and in the admin to superusers and managers, and never edited."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from events.models import Attendee
from events.services.checkin import ticket_checkin
from events.tests.factories import TicketTypeFactory, buy
from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from project.core.audit import audit_log, audit_trail
from project.core.models import AuditEntry
from shop.services.inventory import stock_adjust
from shop.tests.factories import CategoryFactory, ProductFactory
from shop.tests.kinds import order_for, pay
from support.services import room_handoff
from support.tests.factories import RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(name="Sam Staff", roles=[Role.STAFF])


@pytest.fixture
def manager():
    return UserFactory(name="Mai Manager", roles=[Role.MANAGER, Role.STAFF])


@pytest.fixture
def paid_order():
    product = ProductFactory(stock=10, price=Decimal("100000"), name="Keycaps")
    order = order_for(UserFactory(email="buyer@customers.test"), ("product", product.pk, 2))
    pay(order)
    return order


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_status_change_and_refund_show_on_the_order_page_for_managers(
    paid_order, staff, manager
):
    order = paid_order
    as_staff = signed_in(staff)
    as_staff.post(
        reverse("shop:staff_order_status", args=[order.number]),
        {"to_status": "processing", "note": "Packing"},
    )
    as_staff.post(
        reverse("shop:staff_order_refund", args=[order.number]),
        {"mode": "full", "reason": "Damaged in transit"},
    )
    actions = list(audit_trail(obj=order).values_list("action", "actor__name"))
    assert ("order.status", "Sam Staff") in actions
    assert ("order.refund", "Sam Staff") in actions
    assert ("order.refund_paid", "Sam Staff") in actions

    page = signed_in(manager).get(reverse("shop:staff_order_detail", args=[order.number]))
    body = page.content.decode()
    assert "Audit log" in body
    assert "order.refund" in body and "Damaged in transit" in body and "Sam Staff" in body
    # Plain staff act but do not read the log.
    staff_page = as_staff.get(reverse("shop:staff_order_detail", args=[order.number]))
    assert "Audit log" not in staff_page.content.decode()


def test_stock_count_check_in_and_hand_off_are_recorded(staff, manager):
    product = ProductFactory(stock=5)
    stock_adjust(product=product, new_stock=3, reason="Counted", actor=staff)
    (entry,) = audit_trail(obj=product)
    assert (entry.action, entry.actor, entry.data) == (
        "product.stock",
        staff,
        {"from": 5, "to": 3, "reason": "Counted"},
    )

    ticket_type = TicketTypeFactory()
    order = buy(user=UserFactory(), ticket_type=ticket_type)
    attendee = Attendee.objects.get(order_line__order=order)
    organization = ticket_type.event.organization
    ticket_checkin(organization=organization, code=attendee.code, actor=staff)
    ticket_checkin(organization=organization, code=attendee.code, actor=staff)  # again
    (checkin,) = audit_trail(obj=attendee)
    assert (checkin.action, checkin.organization) == ("ticket.checkin", organization)

    room = RoomFactory(assigned_staff=staff)
    new_staff = UserFactory(roles=[Role.STAFF])
    room_handoff(room=room, to_staff=new_staff, by=manager)
    (handoff,) = audit_trail(obj=room)
    assert (handoff.action, handoff.actor, handoff.data) == (
        "room.handoff",
        manager,
        {"from": staff.pk, "to": new_staff.pk},
    )


def test_the_entry_lives_and_dies_with_the_change(staff):
    product = ProductFactory(stock=5)
    with pytest.raises(RuntimeError), transaction.atomic():
        stock_adjust(product=product, new_stock=1, reason="Counted", actor=staff)
        raise RuntimeError("the request failed after the count")
    product.refresh_from_db()
    assert product.stock == 5
    assert not AuditEntry.objects.exists()


def test_secrets_never_reach_the_log(staff):
    product = ProductFactory()
    entry = audit_log(
        actor=staff,
        action="test.secret",
        obj=product,
        data={"note": "ok", "api_token": "T0K", "nested": [{"password": "pw", "n": 1}]},
    )
    assert entry.data == {"note": "ok", "nested": [{"n": 1}]}


def test_admin_changes_and_views_of_customer_data_are_recorded(manager):
    customer = UserFactory(email="vy@customers.test", name="Vy")
    superuser = UserFactory(name="Root", is_superuser=True, is_staff=True)
    as_admin = signed_in(superuser)
    as_admin.get(f"/admin/accounts/user/{customer.pk}/change/")
    category = CategoryFactory(name="Old name")
    response = as_admin.post(
        f"/admin/shop/category/{category.pk}/change/",
        {"name": "New name", "slug": category.slug, "parent": "", "position": 0},
    )
    assert response.status_code == 302

    entries = {entry.action: entry for entry in AuditEntry.objects.select_related("actor")}
    assert entries["admin.view"].object_repr == f"user #{customer.pk}"
    assert entries["admin.view"].actor == superuser
    assert entries["admin.change"].object_id == str(category.pk)
    assert "Name" in str(entries["admin.change"].data)

    # Managers read the log in the admin, without any customer's e-mail; nobody edits it.
    as_manager = signed_in(manager)
    listing = as_manager.get("/admin/core/auditentry/")
    assert listing.status_code == 200
    assert "admin.view" in listing.content.decode()
    assert "vy@customers.test" not in listing.content.decode()
    entry = entries["admin.change"]
    assert as_manager.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    for client in (as_manager, as_admin):
        assert client.post(f"/admin/core/auditentry/{entry.pk}/change/", {}).status_code == 403
        assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {}).status_code == 403
        assert client.get("/admin/core/auditentry/add/").status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()

    # The object's admin history page shows its audit trail.
    history = as_admin.get(f"/admin/shop/category/{category.pk}/history/")
    assert "Audit log" in history.content.decode()
    assert "admin.change" in history.content.decode()
