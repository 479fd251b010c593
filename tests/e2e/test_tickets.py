"""A buyer buys two tickets for a paid event through the cart and the mock payment
sandbox, downloads a PDF ticket, and the organizer checks one in on a phone-sized page by
typing its code (a second try is refused)."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from events.models import Attendee
from events.tests.factories import EventFactory, LocationFactory, TicketTypeFactory
from project.accounts.tests.factories import UserFactory
from project.organizations.tests.factories import OrganizationFactory

from .conftest import PHONE, assert_no_horizontal_scroll, log_in


def test_buy_two_tickets_download_one_and_check_it_in_on_a_phone(
    site, page: Page, browser: Browser
):
    organizer = UserFactory(email="organizer@example.com", verified=True)
    organization = OrganizationFactory(owner=organizer, name="Saigon Runners")
    starts = timezone.now() + timedelta(days=7)
    event = EventFactory(
        organization=organization,
        title="Sunrise 10K",
        slug="sunrise-10k",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
    )
    LocationFactory(event=event)
    TicketTypeFactory(event=event, name="Runner", price=Decimal("250000"), quantity=20)
    buyer = UserFactory(email="runner@example.com", name="Le Van Tam", verified=True)

    # The buyer finds the event and adds two tickets to the cart.
    log_in(page, site, buyer.email)
    page.goto(site + "/events/")
    page.get_by_role("link", name="Sunrise 10K").first.click()
    expect(page.get_by_text("20 left")).to_be_visible()
    page.get_by_label("Tickets (Runner)").fill("2")
    page.get_by_role("button", name=re.compile("Add to cart")).click()
    expect(page.get_by_text(re.compile(r"Added 2 × Sunrise 10K"))).to_be_visible()

    # Checkout with the mock provider: no delivery step for tickets.
    page.goto(site + "/cart/")
    page.get_by_role("link", name="Check out").click()
    page.get_by_label(re.compile("Test payment")).check()
    page.get_by_role("button", name="Review your order").click()
    expect(page.get_by_test_id("review-total")).to_have_text("500.000 ₫")
    page.get_by_role("button", name="Place order").click()
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("link", name="View your order").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Paid")

    # Two tickets, one downloaded as a PDF.
    page.goto(site + "/events/my-tickets/")
    tickets = page.locator("[data-ticket]")
    expect(tickets).to_have_count(2)
    with page.expect_download() as download_info:
        tickets.first.get_by_role("link", name="Download PDF").click()
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")
    code = tickets.first.get_attribute("data-ticket")
    assert Attendee.objects.get(code=code).name == "Le Van Tam"

    # The organizer, on a phone, types the code at the door.
    phone = browser.new_context(viewport=PHONE, base_url=site)
    door = phone.new_page()
    log_in(door, site, organizer.email)
    door.goto(f"{site}/org/{organization.slug}/events/{event.pk}/checkin/")
    expect(door.get_by_role("heading", name="Sunrise 10K")).to_be_visible()
    assert_no_horizontal_scroll(door)
    door.get_by_label("Ticket code").fill(code)
    door.get_by_role("button", name="Check in").click()
    result = door.locator("#checkin-result")
    expect(result).to_contain_text("Checked in.")
    expect(result).to_contain_text("Le Van Tam")
    expect(result).to_contain_text("Runner")
    expect(door.locator("#checkin-counts")).to_contain_text("1 / 2 checked in")
    # The field is cleared for the next person; the same code again is refused.
    expect(door.get_by_label("Ticket code")).to_have_value("")
    door.get_by_label("Ticket code").fill(code)
    door.get_by_role("button", name="Check in").click()
    expect(result).to_contain_text(re.compile(r"Already checked in at \d\d:\d\d"))
    # A made-up code is not found.
    door.get_by_label("Ticket code").fill("no-such-code")
    door.get_by_role("button", name="Check in").click()
    expect(result).to_contain_text("No ticket with this code")
    assert_no_horizontal_scroll(door)
    phone.close()
    assert Attendee.objects.get(code=code).status == Attendee.Status.CHECKED_IN
