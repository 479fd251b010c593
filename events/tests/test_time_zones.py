"""Event times read in the event's own zone, with the zone's name, on a 24-hour clock:
pages, forms, e-mails, PDFs and the organizer's table."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.pdf import tickets_html
from events.services.events import event_create
from project.accounts.tests.factories import UserFactory
from project.organizations.models import Organization
from project.organizations.tests.factories import OrganizationFactory

from .factories import EventFactory, LocationFactory, TicketTypeFactory, buy

pytestmark = pytest.mark.django_db

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")
# 05:00 in Saigon is 22:00 UTC the day before.
RUN_START = datetime(2031, 3, 9, 5, 0, tzinfo=SAIGON)
RUN_END = datetime(2031, 3, 9, 9, 0, tzinfo=SAIGON)


@pytest.fixture
def run():
    event = EventFactory(
        title="Sunrise 10K",
        slug="sunrise-10k",
        time_zone="Asia/Ho_Chi_Minh",
        starts_at=RUN_START,
        ends_at=RUN_END,
        schedule="05:00 Bib pick-up\n06:00 Start",
    )
    LocationFactory(event=event)
    TicketTypeFactory(event=event, name="Runner")
    return event


def test_the_site_zone_defaults_to_saigon_and_organizations_take_it(settings):
    from django.conf import settings as live

    assert live.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert OrganizationFactory().time_zone == "Asia/Ho_Chi_Minh"
    settings.TIME_ZONE = "Asia/Bangkok"
    assert Organization.objects.create(name="Bangkok Bikers", slug="bkk").time_zone == (
        "Asia/Bangkok"
    )


def test_a_new_event_takes_its_organizations_zone():
    organization = OrganizationFactory(time_zone="Asia/Tokyo")
    event = event_create(
        organization=organization,
        actor=None,
        data={"title": "Tokyo Night Ride", "starts_at": RUN_START, "ends_at": RUN_END},
    )
    assert event.time_zone == "Asia/Tokyo"


def test_the_event_page_shows_its_times_in_its_zone_with_the_zones_name(client, settings, run):
    settings.TIME_ZONE = "UTC"  # the site's zone does not matter for the event's times
    html = client.get(run.get_absolute_url()).content.decode()
    assert "Sunday 9 March 2031, 05:00" in html and "09:00" in html
    assert "Ho Chi Minh time, GMT+7" in html
    assert "(UTC)" not in html and "22:00" not in html
    assert "05:00 Bib pick-up" in html


def test_an_event_abroad_shows_its_own_zone(client):
    event = EventFactory(
        time_zone="Europe/Berlin",
        starts_at=datetime(2031, 7, 1, 19, 0, tzinfo=ZoneInfo("Europe/Berlin")),
        ends_at=datetime(2031, 7, 1, 21, 0, tzinfo=ZoneInfo("Europe/Berlin")),
    )
    LocationFactory(event=event, city="Berlin")
    html = client.get(event.get_absolute_url()).content.decode()
    assert "1 July 2031, 19:00" in html and "Berlin time, GMT+2" in html
    listing = client.get(reverse("events:list")).content.decode()
    assert "Tue 1 Jul 2031, 19:00" in listing


def test_organizers_type_times_in_the_events_zone_and_see_them_again(client):
    owner = UserFactory()
    organization = OrganizationFactory(owner=owner, time_zone="Asia/Ho_Chi_Minh")
    client.force_login(owner)
    response = client.post(
        reverse("events_org:create", args=[organization.slug]),
        {
            "title": "Hanoi Dawn Run",
            "sport_type": "running",
            "format": "offline",
            "time_zone": "Asia/Bangkok",
            "starts_at": "2031-03-09T05:00",
            "ends_at": "2031-03-09T09:00",
            "city": "Hanoi",
            "country": "VN",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.time_zone == "Asia/Bangkok"
    assert event.starts_at == datetime(2031, 3, 8, 22, 0, tzinfo=ZoneInfo("UTC"))
    form = client.get(reverse("events_org:edit", args=[organization.slug, event.pk]))
    html = form.content.decode()
    assert 'value="2031-03-09T05:00"' in html
    assert "In Bangkok time, GMT+7." in html

    ticket_form = client.get(
        reverse("events_org:ticket_type_create", args=[organization.slug, event.pk])
    ).content.decode()
    assert "In Bangkok time, GMT+7." in ticket_form


def test_an_unknown_zone_is_refused_with_a_message(client):
    owner = UserFactory()
    organization = OrganizationFactory(owner=owner)
    client.force_login(owner)
    response = client.post(
        reverse("events_org:create", args=[organization.slug]),
        {
            "title": "Mars Run",
            "sport_type": "running",
            "format": "online",
            "time_zone": "Mars/Olympus_Mons",
            "starts_at": "2031-03-09T05:00",
            "ends_at": "2031-03-09T09:00",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Event.objects.exists()


def test_the_organizer_pages_and_the_door_read_the_events_zone(client, settings, run):
    settings.TIME_ZONE = "UTC"
    client.force_login(run.organization.memberships.get().user)
    table = client.get(reverse("events_org:list", args=[run.organization.slug])).content.decode()
    assert "Sun 9 Mar 2031, 05:00" in table
    detail = client.get(
        reverse("events_org:detail", args=[run.organization.slug, run.pk])
    ).content.decode()
    assert "Sun 9 Mar 2031, 05:00" in detail and "Ho Chi Minh time, GMT+7" in detail
    door = client.get(
        reverse("events_org:checkin", args=[run.organization.slug, run.pk])
    ).content.decode()
    assert "Sun 9 Mar, 05:00" in door


def test_e_mails_and_pdf_tickets_give_the_events_local_time(
    settings, mailoutbox, django_capture_on_commit_callbacks, run
):
    settings.TIME_ZONE = "UTC"
    buyer = UserFactory(name="Le Van Tam")
    with django_capture_on_commit_callbacks(execute=True):
        buy(user=buyer, ticket_type=run.ticket_types.get())
    [message] = [mail for mail in mailoutbox if mail.subject.startswith("Your tickets")]
    assert "Sun 9 Mar 2031, 05:00 (Ho Chi Minh time, GMT+7)" in message.body
    assert "Sun 9 Mar 2031, 05:00 (Ho Chi Minh time, GMT+7)" in message.alternatives[0][0]
    html = tickets_html(attendees=list(buyer.tickets.all()))
    assert "Sun 9 Mar 2031, 05:00 – 09:00 (Ho Chi Minh time, GMT+7)" in html


def test_one_24_hour_clock_for_every_default_format():
    moment = datetime(2031, 3, 9, 19, 45, tzinfo=SAIGON)
    with timezone.override(SAIGON):
        rendered = Template(
            "{{ moment }}|{{ moment|date }}|{{ moment|time }}"
            "|{{ moment|date:'SHORT_DATETIME_FORMAT' }}"
        ).render(Context({"moment": moment}))
    assert rendered == "9 Mar 2031, 19:45|9 Mar 2031|19:45|2031-03-09 19:45"
    assert "p.m." not in rendered and "PM" not in rendered


def test_the_owner_sets_the_organizations_zone_and_new_events_take_it(client):
    owner = UserFactory()
    organization = OrganizationFactory(owner=owner)
    client.force_login(owner)
    url = reverse("organizations:settings", kwargs={"org_slug": organization.slug})
    assert "Asia/Ho_Chi_Minh" in client.get(url).content.decode()
    response = client.post(
        url, {"name": organization.name, "time_zone": "Asia/Tokyo", "city": "", "bio": ""}
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.time_zone == "Asia/Tokyo"
    new = client.get(reverse("events_org:create", args=[organization.slug])).content.decode()
    assert '<option value="Asia/Tokyo" selected>' in new
