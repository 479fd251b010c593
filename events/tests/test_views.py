"""Pages: the organizer URLs' permissions, the public list and event page, the buyer's
tickets, PDF downloads, the attendee list and CSV, and the check-in page."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import first_refusal
from events.models import Attendee, Event, TicketType
from project.accounts.tests.factories import UserFactory
from project.organizations.tests.factories import OrganizationFactory

from .factories import (
    EventFactory,
    LocationFactory,
    OnlineInfoFactory,
    TicketTypeFactory,
    buy,
    free_ticket_type,
)

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


# --- permissions ---------------------------------------------------------------------------

# (url name, extra URL args, method, what the owner gets)
ORGANIZER_URLS = [
    ("events_org:list", [], "get", 200),
    ("events_org:create", [], "get", 200),
    ("events_org:detail", ["event"], "get", 200),
    ("events_org:edit", ["event"], "get", 200),
    ("events_org:publish", ["event"], "post", 302),
    ("events_org:finish", ["event"], "post", 302),
    ("events_org:cancel", ["event"], "get", 200),
    ("events_org:ticket_type_create", ["event"], "get", 200),
    ("events_org:ticket_type_edit", ["event", "ticket_type"], "get", 200),
    ("events_org:ticket_type_delete", ["event", "ticket_type"], "post", 302),
    ("events_org:attendees", ["event"], "get", 200),
    ("events_org:attendees_csv", ["event"], "get", 200),
    ("events_org:checkin", ["event"], "get", 200),
    ("events_org:checkin", ["event"], "post", 200),
]


def test_the_table_covers_every_organizer_url():
    from events.urls_organizer import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == {
        name.split(":")[1] for name, *_ in ORGANIZER_URLS
    }


@pytest.mark.parametrize("who", ["owner", "other_organizer", "customer", "anonymous"])
@pytest.mark.parametrize(
    ("name", "args", "method", "owner_status"),
    ORGANIZER_URLS,
    ids=[f"{method}-{name.split(':')[1]}" for name, _, method, _ in ORGANIZER_URLS],
)
def test_organizer_urls_are_for_the_organization_only(
    client, who, name, args, method, owner_status
):
    owner = UserFactory()
    organization = OrganizationFactory(owner=owner)
    ticket_type = TicketTypeFactory(event=EventFactory(organization=organization))
    buy(user=UserFactory(), ticket_type=ticket_type)
    code = Attendee.objects.get().code
    OrganizationFactory(owner=(other_organizer := UserFactory()))
    users = {
        "owner": owner,
        "other_organizer": other_organizer,
        "customer": UserFactory(),
        "anonymous": None,
    }
    objects = {"event": ticket_type.event_id, "ticket_type": ticket_type.pk}
    url = reverse(name, args=[organization.slug, *(objects[arg] for arg in args)])
    if users[who]:
        client.force_login(users[who])

    response = getattr(client, method)(url, {"code": code} if method == "post" else {})

    if who == "owner":
        assert response.status_code == owner_status
    elif who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 404
    if who != "owner":
        # Nothing changed for the people who were turned away.
        assert Event.objects.get().status == Event.Status.PUBLISHED
        assert TicketType.objects.filter(pk=ticket_type.pk).exists()
        assert Attendee.objects.get().status == Attendee.Status.PAID


def test_an_event_of_another_organization_is_a_404_for_an_organizer(client):
    owner = UserFactory()
    mine = OrganizationFactory(owner=owner)
    theirs = EventFactory()
    client.force_login(owner)
    response = client.get(reverse("events_org:detail", args=[mine.slug, theirs.pk]))
    assert response.status_code == 404


# --- public list ---------------------------------------------------------------------------


def make_events(count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        event = LocationFactory(event__title=f"Run {n}", event__slug=f"run-{n}").event
        TicketTypeFactory(event=event)
        TicketTypeFactory(event=event, name="VIP", price=Decimal("900000"))


def test_the_event_list_runs_the_same_queries_for_1_and_50_events(client):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("events:list"))
        assert response.status_code == 200
        return len(queries), response

    make_events(1)
    one, _ = count_queries()
    make_events(50, start=1)
    fifty, response = count_queries()
    assert one == fifty
    assert "51 events" in response.content.decode()


def test_the_organizer_event_list_with_phone_cards_runs_the_same_queries_for_1_and_25(client):
    organization = OrganizationFactory()
    client.force_login(organization.memberships.get().user)
    url = reverse("events_org:list", args=[organization.slug])

    def add(count, start=0):
        for n in range(start, start + count):
            event = LocationFactory(event__organization=organization, event__slug=f"r-{n}").event
            buy(user=UserFactory(), ticket_type=TicketTypeFactory(event=event))

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    add(1)
    one, _ = count_queries()
    add(24, start=1)
    many, html = count_queries()
    assert one == many
    assert html.count("data-event-card=") == 25


@pytest.mark.parametrize(
    "typed",
    ["Ho Chi", "ho chi minh", "HỒ CHÍ", "hồ chí minh city", "  chi   minh ", "Saigon", "sài gòn"],
)
def test_the_city_filter_matches_part_of_the_name_without_case_or_accents(client, typed):
    saigon = LocationFactory(event__title="Saigon Night Run", city="Hồ Chí Minh City").event
    TicketTypeFactory(event=saigon)
    danang = LocationFactory(event__title="Beach Volley Cup", city="Đà Nẵng").event
    TicketTypeFactory(event=danang)

    html = client.get(reverse("events:list"), {"city": typed}, **HX).content.decode()
    assert "Saigon Night Run" in html
    assert "Beach Volley Cup" not in html


def test_the_city_filter_finds_written_without_spaces_or_marks_and_nothing_else(client):
    for title, city in (("Lake Walk", "Hà Nội"), ("Beach Volley Cup", "Đà Nẵng")):
        TicketTypeFactory(event=LocationFactory(event__title=title, city=city).event)

    def titles(typed):
        html = client.get(reverse("events:list"), {"city": typed}, **HX).content.decode()
        return {title for title in ("Lake Walk", "Beach Volley Cup") if title in html}

    assert titles("hanoi") == {"Lake Walk"}
    assert titles("Da Nang") == {"Beach Volley Cup"}
    assert titles("nẵng") == {"Beach Volley Cup"}
    assert titles("Hue") == set()
    assert titles("%") == set()  # LIKE wildcards are plain characters


def test_filters_narrow_the_list_and_htmx_gets_only_the_results(client):
    now = timezone.now()
    run = LocationFactory(event__title="Hanoi Run", event__sport_type="running", city="Hanoi").event
    TicketTypeFactory(event=run)
    yoga = OnlineInfoFactory(
        event__title="Online Yoga", event__sport_type="yoga", event__is_free=True
    ).event
    TicketTypeFactory(event=yoga, price=0)
    later = LocationFactory(
        event__title="Autumn Ride",
        event__sport_type="cycling",
        event__starts_at=now + timedelta(days=60),
        event__ends_at=now + timedelta(days=60, hours=3),
    ).event
    TicketTypeFactory(event=later)
    past = LocationFactory(
        event__title="Old Race",
        event__starts_at=now - timedelta(days=9),
        event__ends_at=now - timedelta(days=9) + timedelta(hours=2),
        event__status=Event.Status.FINISHED,
    ).event
    EventFactory(title="Secret Draft", status=Event.Status.DRAFT)

    def titles(**params):
        response = client.get(reverse("events:list"), params, **HX)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<html" not in html and 'id="results"' in html
        return {
            title
            for title in ("Hanoi Run", "Online Yoga", "Autumn Ride", "Old Race", "Secret Draft")
            if title in html
        }

    assert titles() == {"Hanoi Run", "Online Yoga", "Autumn Ride"}
    assert titles(city="hanoi") == {"Hanoi Run"}
    assert titles(sport="yoga") == {"Online Yoga"}
    assert titles(format="online") == {"Online Yoga"}
    assert titles(price="free") == {"Online Yoga"}
    assert titles(price="paid") == {"Hanoi Run", "Autumn Ride"}
    day = timezone.localdate(now + timedelta(days=60)).isoformat()
    assert titles(date_from=day, date_to=day) == {"Autumn Ride"}
    assert titles(when="past") == {"Old Race"}
    assert titles(date_from="not-a-date") == {"Hanoi Run", "Online Yoga", "Autumn Ride"}
    assert past.slug  # the past event is public, reachable by "past"


def test_event_search_is_rate_limited_per_user_or_address(client):
    make_events(1)
    assert first_refusal(lambda: client.get("/events/", {"q": "run"}), limit=60) >= 60
    assert client.get("/events/", {"q": "run"}).status_code == 429
    assert client.get("/events/", {"sport": "running"}).status_code == 200  # browsing is free
    # A signed-in visitor behind the same address is counted on their own.
    client.force_login(UserFactory())
    assert client.get("/events/", {"q": "run"}).status_code == 200


def test_the_full_list_page_has_the_filter_form_pushing_the_url(client):
    make_events(1)
    html = client.get(reverse("events:list")).content.decode()
    assert 'hx-push-url="true"' in html and 'id="event-filters"' in html


# --- event page ----------------------------------------------------------------------------


def test_event_page_shows_map_schedule_organizer_and_tickets_left(client):
    event = LocationFactory(event__schedule="06:00 Warm-up\n06:30 Start").event
    ticket_type = TicketTypeFactory(event=event, quantity=20, sold_or_held=17)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "openstreetmap.org" in html
    assert "06:00 Warm-up" in html
    assert event.organization.name in html
    assert "3 left" in html
    assert f'name="ref" value="{ticket_type.pk}"' in html
    assert 'name="kind" value="ticket"' in html
    assert reverse("shop:cart_add") in html


def test_sold_out_and_not_yet_open_ticket_types_cannot_be_bought(client):
    event = EventFactory()
    TicketTypeFactory(event=event, name="Gone", quantity=5, sold_or_held=5)
    TicketTypeFactory(event=event, name="Later", sales_start=timezone.now() + timedelta(days=1))
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Sold out." in html
    assert "On sale from" in html
    assert 'name="kind" value="ticket"' not in html


def test_draft_events_are_not_public(client):
    event = EventFactory(status=Event.Status.DRAFT)
    assert client.get(event.get_absolute_url()).status_code == 404


def test_online_details_are_only_for_ticket_holders_and_the_organizers(client):
    info = OnlineInfoFactory()
    event = info.event
    ticket_type = TicketTypeFactory(event=event)
    holder, stranger = UserFactory(), UserFactory()
    buy(user=holder, ticket_type=ticket_type)

    assert info.stream_url not in client.get(event.get_absolute_url()).content.decode()
    client.force_login(stranger)
    page = client.get(event.get_absolute_url()).content.decode()
    assert info.stream_url not in page and info.instructions not in page
    client.force_login(holder)
    page = client.get(event.get_absolute_url()).content.decode()
    assert info.stream_url in page and info.instructions in page
    client.force_login(event.organization.memberships.get().user)
    assert info.stream_url in client.get(event.get_absolute_url()).content.decode()


def test_a_refunded_ticket_no_longer_shows_the_online_details(client):
    from shop.services.refunds import order_refund

    info = OnlineInfoFactory()
    ticket_type = TicketTypeFactory(event=info.event)
    holder = UserFactory()
    order = buy(user=holder, ticket_type=ticket_type)
    order_refund(order=order, actor=None, reason="Changed plans")
    client.force_login(holder)
    assert info.stream_url not in client.get(info.event.get_absolute_url()).content.decode()


def test_adding_tickets_through_the_shop_cart_form(client):
    ticket_type = TicketTypeFactory(quantity=4)
    client.force_login(UserFactory())
    response = client.post(
        reverse("shop:cart_add"), {"kind": "ticket", "ref": ticket_type.pk, "quantity": 3}
    )
    assert response.status_code == 302
    ticket_type.refresh_from_db()
    assert ticket_type.sold_or_held == 3
    response = client.post(
        reverse("shop:cart_add"),
        {"kind": "ticket", "ref": ticket_type.pk, "quantity": 2},
        follow=True,
    )
    assert "Only 4 of" in response.content.decode()


def test_register_for_a_free_event_in_one_click(client):
    ticket_type = free_ticket_type(quantity=3)
    user = UserFactory()
    client.force_login(user)
    page = client.get(ticket_type.event.get_absolute_url()).content.decode()
    assert ">Register</button>" in page
    response = client.post(
        reverse("events:register", args=[ticket_type.event.slug]),
        {"ticket_type": ticket_type.pk, "quantity": 2, "token": "token-abc-123"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("events:my_tickets")
    assert "You are registered" in response.content.decode()
    assert Attendee.objects.filter(buyer=user, status="paid").count() == 2


def test_register_needs_a_login_and_a_free_ticket(client):
    ticket_type = free_ticket_type()
    url = reverse("events:register", args=[ticket_type.event.slug])
    data = {"ticket_type": ticket_type.pk, "quantity": 1, "token": "token-abc-123"}
    response = client.post(url, data)
    assert response["Location"].startswith(reverse("account_login"))
    paid = TicketTypeFactory(event=ticket_type.event, price=Decimal("10000"))
    client.force_login(UserFactory())
    response = client.post(url, {**data, "ticket_type": paid.pk}, follow=True)
    assert "not free" in response.content.decode()
    response = client.post(url, {**data, "quantity": 0}, follow=True)
    assert "Choose how many places" in response.content.decode()
    assert not Attendee.objects.exists()


# --- buyer's tickets -----------------------------------------------------------------------


def test_my_tickets_lists_them_and_renames_with_htmx(client):
    ticket_type = TicketTypeFactory()
    buyer = UserFactory()
    buy(user=buyer, ticket_type=ticket_type, quantity=2)
    client.force_login(buyer)
    html = client.get(reverse("events:my_tickets")).content.decode()
    assert html.count("Download PDF") == 2
    ticket = Attendee.objects.first()
    response = client.post(
        reverse("events:ticket_rename", args=[ticket.code]), {"name": "Le Thu"}, **HX
    )
    assert response.status_code == 200
    assert 'value="Le Thu"' in response.content.decode() and "Saved." in response.content.decode()
    other = UserFactory()
    client.force_login(other)
    response = client.post(reverse("events:ticket_rename", args=[ticket.code]), {"name": "X"})
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.name == "Le Thu"


def test_pdf_ticket_is_for_the_buyer_and_the_organizers_only(client):
    ticket_type = TicketTypeFactory()
    buyer = UserFactory()
    buy(user=buyer, ticket_type=ticket_type)
    url = reverse("events:ticket_pdf", args=[Attendee.objects.get().code])

    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    OrganizationFactory(owner=(other_organizer := UserFactory()))
    client.force_login(other_organizer)
    assert client.get(url).status_code == 404
    for allowed in (buyer, ticket_type.event.organization.memberships.get().user):
        client.force_login(allowed)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    assert client.get(reverse("events:ticket_pdf", args=["x" * 32])).status_code == 404


# --- organizer pages -----------------------------------------------------------------------


def organizer_client(client, event):
    client.force_login(event.organization.memberships.get().user)
    return client


def test_attendee_list_searches_and_exports_csv(client):
    ticket_type = TicketTypeFactory()
    buy(user=UserFactory(name="Nguyen Hoa"), ticket_type=ticket_type)
    buy(user=UserFactory(name="=HYPERLINK(1)"), ticket_type=ticket_type)
    organizer_client(client, ticket_type.event)
    url = reverse(
        "events_org:attendees", args=[ticket_type.event.organization.slug, ticket_type.event_id]
    )
    html = client.get(url, {"q": "hoa"}, **HX).content.decode()
    assert "Nguyen Hoa" in html and "HYPERLINK" not in html

    response = client.get(url.replace("attendees/", "attendees.csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["name", "ticket_type", "status"]
    names = sorted(row[0] for row in rows[1:])
    assert names == ["'=HYPERLINK(1)", "Nguyen Hoa"]  # formulas are quoted


def test_organizer_list_pages_run_the_same_queries_for_1_and_50_rows(client):
    ticket_type = TicketTypeFactory()
    event = ticket_type.event
    organization = event.organization
    organizer_client(client, event)
    events_url = reverse("events_org:list", args=[organization.slug])
    attendees_url = reverse("events_org:attendees", args=[organization.slug, event.pk])

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    buy(user=UserFactory(), ticket_type=ticket_type)
    before = queries(events_url), queries(attendees_url)
    for n in range(49):
        EventFactory(organization=organization, slug=f"more-{n}")
    buy(user=UserFactory(), ticket_type=ticket_type, quantity=10)
    for _ in range(4):
        buy(user=UserFactory(), ticket_type=ticket_type, quantity=10)
    assert Attendee.objects.count() == 51
    assert (queries(events_url), queries(attendees_url)) == before


def test_check_in_page_admits_once_and_hides_other_organizations_codes(client):
    ticket_type = TicketTypeFactory()
    buy(user=UserFactory(), ticket_type=ticket_type)
    ticket = Attendee.objects.get()
    foreign_type = TicketTypeFactory()
    buy(user=UserFactory(), ticket_type=foreign_type)
    foreign = Attendee.objects.get(ticket_type=foreign_type)
    organizer_client(client, ticket_type.event)
    url = reverse(
        "events_org:checkin", args=[ticket_type.event.organization.slug, ticket_type.event_id]
    )

    page = client.get(url).content.decode()
    assert "jsQR" in page and 'name="code"' in page
    first = client.post(url, {"code": ticket.code}, **HX).content.decode()
    assert "Checked in." in first and ticket.name in first and ticket_type.name in first
    second = client.post(url, {"code": ticket.code}, **HX).content.decode()
    assert "Already checked in at" in second
    # A plain form post gets the page back with the answer in its panel.
    response = client.post(url, {"code": foreign.code})
    assert response.status_code == 404
    assert "No ticket with this code" in response.content.decode()
    assert 'name="code"' in response.content.decode()
    # HTMX gets the panel as a 200: a 4xx would let django-htmx's debug handler (DEBUG on)
    # replace the whole door page with the fragment.
    response = client.post(url, {"code": foreign.code}, **HX)
    assert response.status_code == 200 and "No ticket with this code" in response.content.decode()
    response = client.post(url, {"code": " "}, **HX)
    assert response.status_code == 200 and "Type or scan a ticket code" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.status == Attendee.Status.PAID


def test_organizer_creates_publishes_and_cancels_through_the_pages(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    owner = UserFactory()
    organization = OrganizationFactory(owner=owner)
    client.force_login(owner)
    starts = timezone.localtime() + timedelta(days=5)
    response = client.post(
        reverse("events_org:create", args=[organization.slug]),
        {
            "title": "Beach Volley Day",
            "sport_type": "volleyball",
            "format": "offline",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
            "city": "Da Nang",
            "country": "VN",
        },
    )
    event = Event.objects.get()
    assert response["Location"] == reverse("events_org:detail", args=[organization.slug, event.pk])
    edit_url = reverse("events_org:edit", args=[organization.slug, event.pk])
    form = {
        "title": "Beach Volley Day (pairs)",
        "sport_type": "volleyball",
        "format": "offline",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "city": "Da Nang",
        "country": "VN",
        "address": "My Khe Beach",
    }
    refused = client.post(edit_url, form)
    assert "must end after it starts" in refused.content.decode()
    form["ends_at"] = (starts + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(edit_url, form).status_code == 302
    event.refresh_from_db()
    assert event.title == "Beach Volley Day (pairs)" and event.slug == "beach-volley-day"
    assert event.location.address == "My Khe Beach"
    bad = client.post(
        reverse("events_org:ticket_type_create", args=[organization.slug, event.pk]),
        {"name": "Pair", "price": "-5", "currency": "VND", "quantity": "0", "max_per_order": 4},
    )
    assert bad.status_code == 200 and "greater than or equal to" in bad.content.decode()
    client.post(
        reverse("events_org:ticket_type_create", args=[organization.slug, event.pk]),
        {
            "name": "Pair",
            "price": "400000",
            "currency": "VND",
            "quantity": "24",
            "max_per_order": 4,
        },
    )
    client.post(reverse("events_org:publish", args=[organization.slug, event.pk]))
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    buy(user=(buyer := UserFactory()), ticket_type=event.ticket_types.get())
    cancel_url = reverse("events_org:cancel", args=[organization.slug, event.pk])
    with django_capture_on_commit_callbacks(execute=True):  # the refunds' task runs at commit
        client.post(cancel_url, {"reason": "Typhoon", "confirm": "on"})
    assert "1 order(s) refunded" in client.get(cancel_url).content.decode()
    assert any(mail.to == [buyer.email] and "Typhoon" in mail.body for mail in mailoutbox)


def test_the_migration_fills_the_city_filter_column_of_existing_locations():
    import importlib

    from django.apps import apps

    from events.models import EventLocation

    location = LocationFactory(city="Hồ Chí Minh City")
    EventLocation.objects.filter(pk=location.pk).update(city_search="")
    migration = importlib.import_module("events.migrations.0004_eventlocation_city_search")
    migration.fill_city_search(apps, None)
    location.refresh_from_db()
    assert location.city_search == "hochiminhcity"
