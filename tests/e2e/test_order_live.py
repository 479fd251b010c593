"""Staff change an order's status; the customer's open order page follows without a reload.

Served by daphne (HTTP and WebSockets in one process) on the PostgreSQL test database.
"""

import re

import pytest
from django.test import Client
from playwright.sync_api import Browser, expect

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from shop.models import Order
from tests.services.daphne import daphne_server

# daphne serves these tests from another process: the database must be PostgreSQL.
pytestmark = pytest.mark.postgres


@pytest.fixture
def site(transactional_db):
    with daphne_server() as address:
        yield f"http://{address}"


def page_for(browser: Browser, site: str, user, width=1100):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": "127.0.0.1",
                "path": "/",
            }
        ]
    )
    return context.new_page()


def test_customer_order_page_updates_everywhere_when_staff_ship_it(site, browser: Browser):
    """The live panel, the header badge and the history change together: no part of the
    page contradicts another after a live event."""
    customer = UserFactory(name="Linh Customer")
    staff = UserFactory(name="Sam Staff", roles=[Role.STAFF])
    order = Order.objects.create(
        number="TS-2026-000777",
        user=customer,
        email=customer.email,
        currency="VND",
        subtotal="450000.00",
        total="450000.00",
        status=Order.Status.PAID,
        idempotency_key="live-test",
    )

    customer_page = page_for(browser, site, customer, width=390)
    customer_page.goto(f"{site}/orders/{order.number}/")
    panel = customer_page.locator("#order-panel")
    expect(panel.locator("[data-connection]")).to_have_text(re.compile("Live"))
    expect(panel.locator("[data-field=progress_text]")).to_have_text("40%")
    header_badge = customer_page.get_by_test_id("order-status")
    history = customer_page.locator("section[aria-labelledby=history-title] ol")
    expect(header_badge).to_have_text("Paid")
    customer_page.evaluate("window.sameDocument = true")  # gone if the page reloads

    staff_page = page_for(browser, site, staff)
    staff_page.goto(f"{site}/staff/orders/{order.number}/")
    staff_page.get_by_label(re.compile("new status", re.I)).select_option("shipped")
    staff_page.get_by_role("button", name="Update status").click()
    expect(staff_page.get_by_text(re.compile("shipped", re.I)).first).to_be_visible()

    # No reload on the customer's side: the socket brought the change.
    expect(panel.locator("[data-field=status_label]")).to_have_text("Shipped")
    expect(panel.locator("[data-field=progress_text]")).to_have_text("75%")
    expect(header_badge).to_have_text("Shipped")
    expect(history).to_contain_text("Paid → Shipped")
    # The refreshed panel is still live, and its progress bar is drawn at the new value.
    expect(panel.locator("[data-connection]")).to_have_text(re.compile("Live"))
    expect(panel.locator("progress[data-progress]")).to_have_attribute("value", "75")
    assert customer_page.evaluate("window.sameDocument") is True
