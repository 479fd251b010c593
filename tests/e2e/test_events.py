"""Organizer and visitor pages of events in a real browser: the door page answers a typo in
its result panel with DEBUG on, times read in the event's own zone, and the organizer table
and the event page fit a phone."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from events.models import Attendee
from events.tests.factories import EventFactory, LocationFactory, TicketTypeFactory, buy
from project.accounts.tests.factories import UserFactory
from project.organizations.tests.factories import OrganizationFactory
from tests.services.daphne import daphne_server

from .conftest import PHONE, assert_no_horizontal_scroll, log_in


def _event_with_ticket(organizer, **event_kwargs):
    organization = OrganizationFactory(owner=organizer, name="Saigon Runners")
    starts = timezone.now() + timedelta(days=7)
    event = EventFactory(
        organization=organization,
        **{"title": "Sunrise 10K", **event_kwargs},
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
    )
    LocationFactory(event=event)
    ticket_type = TicketTypeFactory(event=event, name="Runner", price=Decimal("250000"))
    return event, ticket_type


def test_a_mistyped_code_answers_in_the_result_panel_with_debug_on(site, page: Page, settings):
    settings.DEBUG = True  # django-htmx's debug handler replaces the page on HTMX 4xx answers
    organizer = UserFactory(email="organizer@example.com", verified=True)
    event, ticket_type = _event_with_ticket(organizer)
    buy(user=UserFactory(name="Le Van Tam"), ticket_type=ticket_type)
    code = Attendee.objects.get().code

    page.set_viewport_size(PHONE)
    log_in(page, site, organizer.email)
    page.goto(f"{site}/org/{event.organization.slug}/events/{event.pk}/checkin/")
    field = page.get_by_label("Ticket code")
    result = page.locator("#checkin-result")

    field.fill("no-such-c0de")
    page.get_by_role("button", name="Check in").click()
    expect(result).to_contain_text("No ticket with this code")
    # The page is still there: heading, scanner, styled input, and the field is ready again.
    expect(page.get_by_role("heading", name="Sunrise 10K")).to_be_visible()
    expect(page.get_by_role("button", name="Scan with camera")).to_be_visible()
    expect(field).to_have_value("")
    expect(field).to_be_focused()

    # An empty code (spaces only) is an answer too; then a real code still checks in.
    field.fill("   ")
    page.get_by_role("button", name="Check in").click()
    expect(result).to_contain_text("Type or scan a ticket code")
    field.fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(result).to_contain_text("Checked in.")
    expect(result).to_contain_text("Le Van Tam")
    expect(page.locator("#checkin-counts")).to_contain_text("1 / 1 checked in")
    assert_no_horizontal_scroll(page)


def test_the_organizer_event_list_is_cards_on_a_phone_with_status_sold_and_checked_in(
    site, page: Page
):
    organizer = UserFactory(email="organizer@example.com", verified=True)
    event, ticket_type = _event_with_ticket(
        organizer, title="Saigon Sunrise Half Marathon and Family Fun Run 2031"
    )
    buy(user=UserFactory(), ticket_type=ticket_type, quantity=3)
    url = f"{site}/org/{event.organization.slug}/events/"

    page.set_viewport_size(PHONE)
    log_in(page, site, organizer.email)
    page.goto(url)
    card = page.locator("[data-event-card]").first
    expect(card).to_be_visible()
    expect(card.get_by_text("Published")).to_be_in_viewport()
    expect(card.locator("[data-sold]")).to_have_text("3 / 100")
    expect(card.locator("[data-sold]")).to_be_in_viewport()
    expect(card.locator("[data-checked-in]")).to_have_text("0")
    expect(card.locator("[data-checked-in]")).to_be_in_viewport()
    expect(page.locator("table#events")).to_be_hidden()
    assert_no_horizontal_scroll(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator("table#events")).to_be_visible()
    expect(page.locator("[data-event-cards]")).to_be_hidden()


def test_on_a_phone_a_sticky_get_tickets_bar_jumps_to_the_ticket_box(site, page: Page):
    organizer = UserFactory(email="organizer@example.com", verified=True)
    event, _ = _event_with_ticket(organizer, description="A long description of the course. " * 120)
    page.set_viewport_size(PHONE)
    page.goto(f"{site}{event.get_absolute_url()}")
    bar = page.locator("[data-ticket-bar]")
    expect(bar).to_be_in_viewport()
    box = page.get_by_role("heading", name="Tickets")
    expect(box).not_to_be_in_viewport()
    page.mouse.wheel(0, 1500)
    expect(bar).to_be_in_viewport()  # it stays while scrolling
    bar.get_by_role("link", name="Get tickets").click()
    expect(box).to_be_in_viewport()
    expect(page.get_by_label("Tickets (Runner)")).to_be_in_viewport()
    assert_no_horizontal_scroll(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(bar).to_be_hidden()


@pytest.fixture
def chat_site(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("daphne serves this test from another process: set DATABASE_URL (PostgreSQL)")
    with daphne_server() as address:
        yield f"http://{address}"


def test_live_chat_times_use_the_24_hour_clock_of_the_server_rendered_history(
    chat_site, browser: Browser
):
    from django.test import Client

    customer = UserFactory(name="Chau Customer")
    client = Client()
    client.force_login(customer)
    # A browser set to US English in New York: the page still speaks the site's clock.
    context = browser.new_context(locale="en-US", timezone_id="America/New_York")
    host = chat_site.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    chat = context.new_page()
    chat.goto(chat_site + "/support/")
    chat.get_by_label("What is it about?").fill("Race bib")
    chat.get_by_role("button", name="Open chat").click()
    box = chat.get_by_role("textbox", name="Message")
    expect(box).to_be_enabled()
    box.fill("Where do I pick up my bib?")
    chat.get_by_role("button", name="Send").click()
    live = chat.locator("#chat-log [data-kind=chat] time").last
    expect(live).to_have_text(re.compile(r"^\d\d:\d\d$"))
    live_text = live.inner_text()

    chat.reload()
    history = chat.locator("#chat-log [data-kind=chat] time").last
    expect(history).to_have_text(live_text)
    context.close()
