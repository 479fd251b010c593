"""Organizer endpoints: the organizer pages' scoping (another organization: 404), their
filters, the CSV export, check-in answers and the organization's orders."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Attendee
from events.tests.factories import TicketTypeFactory, buy
from project.accounts.tests.factories import UserFactory
from project.organizations.tests.factories import OrganizationFactory
from shop.tests.factories import CategoryFactory, ProductFactory
from shop.tests.kinds import order_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def club():
    """An organization, its owner, an event with a ticket type and one paid ticket."""
    owner = UserFactory()
    organization = OrganizationFactory(owner=owner)
    ticket_type = TicketTypeFactory(event__organization=organization, max_per_order=50)
    buyer = UserFactory(email="runner@customers.test")
    order = buy(user=buyer, ticket_type=ticket_type)
    return {
        "owner": owner,
        "organization": organization,
        "event": ticket_type.event,
        "ticket_type": ticket_type,
        "buyer": buyer,
        "order": order,
        "code": Attendee.objects.get(order_line__order=order).code,
    }


def url(name: str, club, **kwargs) -> str:
    args = [club["organization"].slug]
    if name != "api:org_event_list" and name != "api:org_order_list":
        args.append(club["event"].pk)
    return reverse(name, args=args, **kwargs)


READS = [
    "api:org_event_list",
    "api:org_attendee_list",
    "api:org_attendee_csv",
    "api:org_order_list",
]


@pytest.mark.parametrize("name", READS)
def test_members_read_and_everyone_else_gets_the_pages_answers(client, club, bearer, name):
    target = url(name, club)
    assert client.get(target, **bearer(club["owner"], "organizer:read")).status_code == 200
    # A member of another organization, the buyer, anonymous: the organization does not exist.
    outsider = UserFactory()
    OrganizationFactory(owner=outsider)
    assert client.get(target, **bearer(outsider, "organizer:read")).status_code == 404
    assert client.get(target, **bearer(club["buyer"], "organizer:read")).status_code == 404
    anonymous = client.get(target)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    wrong_scope = client.get(target, **bearer(club["owner"], "orders:read"))
    assert wrong_scope.status_code == 403
    assert wrong_scope.json()["code"] == "permission_denied"


def test_an_event_of_another_organization_is_a_404_even_for_a_member(client, club, bearer):
    other = TicketTypeFactory().event
    target = reverse("api:org_attendee_list", args=[club["organization"].slug, other.pk])
    response = client.get(target, **bearer(club["owner"], "organizer:read"))
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_events_show_what_the_organizer_page_counts(client, club, bearer):
    body = client.get(url("api:org_event_list", club), **bearer(club["owner"], "organizer:read"))
    [event] = body.json()["results"]
    assert (event["id"], event["capacity"], event["tickets_sold"], event["checked_in"]) == (
        club["event"].pk,
        100,
        1,
        0,
    )


def test_attendees_filter_like_the_page_and_the_csv_has_them(client, club, bearer):
    headers = bearer(club["owner"], "organizer:read")
    buy(user=UserFactory(email="cyclist@customers.test"), ticket_type=club["ticket_type"])
    listed = client.get(url("api:org_attendee_list", club), {"q": "runner@"}, **headers).json()
    assert [a["buyer_email"] for a in listed["results"]] == ["runner@customers.test"]
    bad = client.get(url("api:org_attendee_list", club), {"status": "bogus"}, **headers)
    assert bad.status_code == 400 and "status" in bad.json()["fields"]
    export = client.get(url("api:org_attendee_csv", club), **headers)
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 3 and {club["code"]} <= {cell for row in rows for cell in row}


def test_attendees_page_by_cursor_with_constant_queries(client, club, bearer):
    headers = bearer(club["owner"], "organizer:read")
    target = url("api:org_attendee_list", club)
    client.get(target, **headers)  # the token's first use writes its `last_used_at`
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(target, **headers).json()["results"]) == 1
    for quantity in (10, 10, 10, 10, 9):  # a customer holds at most 10
        buy(user=UserFactory(), ticket_type=club["ticket_type"], quantity=quantity)
    with CaptureQueriesContext(connection) as fifty:
        assert len(client.get(target, {"page_size": 50}, **headers).json()["results"]) == 50
    assert len(fifty) == len(one)
    first = client.get(target, {"page_size": 30}, **headers).json()
    second = client.get(first["next"], **headers).json()
    assert len(first["results"]) == 30 and len(second["results"]) == 20


def test_checkin_answers_as_the_door_page_does(client, club, bearer):
    target = url("api:org_checkin", club)
    headers = bearer(club["owner"], "organizer:write")
    first = client.post(target, {"code": club["code"]}, content_type="application/json", **headers)
    assert first.status_code == 200
    assert first.json()["outcome"] == "checked_in" and first.json()["ok"] is True
    again = client.post(target, {"code": club["code"]}, content_type="application/json", **headers)
    assert again.json()["outcome"] == "already"
    assert again.json()["message"].startswith("Already checked in at")
    unknown = client.post(target, {"code": "NOPE"}, content_type="application/json", **headers)
    assert unknown.status_code == 404 and unknown.json()["code"] == "ticket_not_found"
    empty = client.post(target, {}, content_type="application/json", **headers)
    assert empty.status_code == 400 and "code" in empty.json()["fields"]


def test_checkin_needs_the_write_scope_and_membership(client, club, bearer):
    target = url("api:org_checkin", club)
    body = {"code": club["code"]}
    read_only = bearer(club["owner"], "organizer:read")
    assert (
        client.post(target, body, content_type="application/json", **read_only).status_code == 403
    )
    outsider = UserFactory()
    OrganizationFactory(owner=outsider)
    outside = bearer(outsider, "organizer:write")
    assert client.post(target, body, content_type="application/json", **outside).status_code == 404
    assert Attendee.objects.get(code=club["code"]).status == Attendee.Status.PAID


def test_a_session_post_needs_the_csrf_token(club):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(club["owner"])
    response = browser.post(
        url("api:org_checkin", club), {"code": club["code"]}, content_type="application/json"
    )
    assert response.status_code == 403 and "CSRF" in response.json()["message"]


def test_organization_orders_show_only_its_lines(client, club, bearer):
    product = ProductFactory(category=CategoryFactory(), stock=5)
    mixed = order_for(
        club["buyer"], ("product", product.pk, 1), ("ticket", club["ticket_type"].pk, 1)
    )
    order_for(UserFactory(), ("product", product.pk, 1))  # none of the club's lines
    body = client.get(url("api:org_order_list", club), **bearer(club["owner"], "organizer:read"))
    orders = {o["number"]: o for o in body.json()["results"]}
    assert set(orders) == {club["order"].number, mixed.number}
    assert [line["kind"] for line in orders[mixed.number]["lines"]] == ["ticket"]
