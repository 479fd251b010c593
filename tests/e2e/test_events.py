"""Organizer and visitor pages of events in a real browser: the door page answers a typo in
its result panel with DEBUG on, times read in the event's own zone, and the organizer table
and the event page fit a phone."""

import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import Attendee
from events.tests.factories import EventFactory, LocationFactory, TicketTypeFactory, buy
from project.accounts.tests.factories import UserFactory
from project.organizations.tests.factories import OrganizationFactory

from .conftest import PHONE, assert_no_horizontal_scroll
from .test_tickets import log_in


def _event_with_ticket(organizer, **event_kwargs):
    organization = OrganizationFactory(owner=organizer, name="Saigon Runners")
    starts = timezone.now() + timedelta(days=7)
    event = EventFactory(
        organization=organization,
        title="Sunrise 10K",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        **event_kwargs,
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


__all__ = ["re"]
