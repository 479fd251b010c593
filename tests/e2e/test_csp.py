"""Every main page runs under the Content-Security-Policy with no violation, and HTMX and the
WebSockets still work: inline scripts carry the nonce, nothing uses inline handlers or
inline styles. Served by daphne (HTTP and WebSockets) on the PostgreSQL test database."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from events.tests.factories import LocationFactory, TicketTypeFactory
from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from shop.models import Order
from shop.tests.factories import CategoryFactory, ProductFactory
from tests.services.daphne import daphne_server

pytestmark = pytest.mark.postgres


@pytest.fixture
def site(transactional_db):
    with daphne_server() as address:
        yield f"http://{address}"


class Watched:
    """A signed-in page that records CSP violations, console errors and script errors."""

    def __init__(self, browser: Browser, site: str, user):
        client = Client()
        client.force_login(user)
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "domain": "127.0.0.1",
                    "path": "/",
                }
            ]
        )
        self.problems: list[str] = []
        self.page: Page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.expose_function("reportViolation", lambda text: self.problems.append(text))
        self.page.add_init_script(
            """document.addEventListener("securitypolicyviolation", function (e) {
                 window.reportViolation("CSP " + e.violatedDirective + " blocked "
                   + (e.blockedURI || "inline") + " at " + e.documentURI + ":" + e.lineNumber);
               });"""
        )
        self.site = site

    def _console(self, message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def open(self, path: str) -> Page:
        response = self.page.goto(self.site + path)
        assert response.ok, f"{path} answered {response.status}"
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy, policy
        assert "camera=(self)" in response.headers.get("permissions-policy", "")
        return self.page


def test_main_pages_run_under_the_csp_with_htmx_and_websockets(site, browser: Browser):
    keyboards = CategoryFactory(name="Keyboards", slug="keyboards")
    ProductFactory(
        category=keyboards, name="Walnut case", slug="walnut-case", stock=5, price=Decimal("90")
    )
    ProductFactory(
        category=keyboards, name="Brass plate", slug="brass-plate", stock=5, price=Decimal("45")
    )
    event = LocationFactory(event__title="Saigon Sunrise 10K").event
    TicketTypeFactory(event=event, name="Early bird")
    customer = UserFactory(name="Linh Customer")
    order = Order.objects.create(
        number="TS-2026-000778",
        user=customer,
        email=customer.email,
        currency="VND",
        subtotal="450000.00",
        total="450000.00",
        status=Order.Status.PAID,
        idempotency_key="csp-test",
    )

    shopper = Watched(browser, site, customer)
    page = shopper.open("/")
    page = shopper.open("/shop/")
    # HTMX: the search swaps the results and pushes the URL.
    page.get_by_label("Search").fill("walnut")
    expect(page).to_have_url(re.compile(r"q=walnut"))
    expect(page.get_by_text("Brass plate")).to_have_count(0)

    page = shopper.open("/shop/p/walnut-case/")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name=re.compile("Add to cart")).click()
    expect(page.get_by_text("Added 2 × Walnut case to your cart.")).to_be_visible()
    expect(page.get_by_test_id("mini-cart-count")).to_have_text("2")
    # The toast closes through its button (no inline onclick).
    page.get_by_role("button", name="Dismiss").first.click()
    expect(page.get_by_text("Added 2 × Walnut case to your cart.")).to_have_count(0)

    page = shopper.open("/cart/")
    page.get_by_role("button", name="One less Walnut case").click()
    expect(page.get_by_test_id("mini-cart-count")).to_have_text("1")

    shopper.open(f"/events/{event.slug}/")
    expect(page.get_by_role("heading", name="Saigon Sunrise 10K")).to_be_visible()
    shopper.open("/events/")
    shopper.open("/dashboard/")

    # WebSockets: the order page goes live.
    page = shopper.open(f"/orders/{order.number}/")
    expect(page.locator("#order-panel [data-connection]")).to_have_text(re.compile("Live"))

    # The support room: a message goes out over the socket and comes back.
    page = shopper.open("/support/")
    page.get_by_label("What is it about?").fill("Late parcel")
    page.get_by_role("button", name="Open chat").click()
    expect(page.get_by_role("heading", name="Late parcel")).to_be_visible()
    box = page.get_by_role("textbox", name="Message")
    expect(box).to_be_enabled()
    box.fill("Hello from under the CSP")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#chat-log")).to_contain_text("Hello from under the CSP")

    staff = Watched(browser, site, UserFactory(name="Sam Staff", roles=[Role.STAFF]))
    staff.open("/dashboard/")
    staff.open("/support/queue/")
    staff.open(f"/staff/orders/{order.number}/")

    admin = Watched(browser, site, UserFactory(is_staff=True, is_superuser=True))
    admin.open("/admin/")
    admin.open("/admin/shop/order/")
    admin.open(f"/admin/shop/order/{order.pk}/change/")
    admin.open("/admin/shop/product/add/")

    problems = shopper.problems + staff.problems + admin.problems
    assert problems == [], "\n".join(problems)
