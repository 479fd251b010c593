"""Filter forms on the catalog and the event list: the URL they push carries only the
filters in use, and after Back and Forward the form shows what the URL (and the results)
say."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import Page, expect

from events.tests.factories import EventFactory, LocationFactory
from shop.tests.factories import CategoryFactory, ProductFactory

from .conftest import DESKTOP


def names(page: Page, selector: str) -> list[str]:
    return [text.strip() for text in page.locator(selector).all_inner_texts()]


def test_catalog_form_follows_the_url_through_back_and_forward(site, page: Page):
    kits = CategoryFactory(name="Kits", slug="kits")
    ProductFactory(category=kits, name="Walnut kit", slug="walnut-kit", price=Decimal("900000"))
    ProductFactory(category=kits, name="Brass kit", slug="brass-kit", price=Decimal("450000"))
    ProductFactory(category=kits, name="Coiled cable", slug="cable", price=Decimal("100000"))
    page.set_viewport_size(DESKTOP)
    cards = "#results article h2"
    search, sort, min_price = (
        page.get_by_label("Search"),
        page.get_by_label("Sort by"),
        page.get_by_label("Min price"),
    )

    page.goto(site + "/shop/")
    search.fill("kit")
    # Only what is in use, not every empty field of the form.
    expect(page).to_have_url(site + "/shop/?q=kit")
    sort.select_option("price")
    expect(page).to_have_url(site + "/shop/?q=kit&sort=price")
    expect(page.locator(cards).first).to_have_text("Brass kit")
    min_price.fill("500000")
    expect(page).to_have_url(site + "/shop/?q=kit&price_min=500000&sort=price")
    expect(page.locator(cards)).to_have_count(1)

    page.go_back()
    expect(page).to_have_url(site + "/shop/?q=kit&sort=price")
    expect(page.locator(cards)).to_have_count(2)
    expect(search).to_have_value("kit")
    expect(sort).to_have_value("price")
    expect(min_price).to_have_value("")

    page.go_back()
    expect(page).to_have_url(site + "/shop/?q=kit")
    expect(search).to_have_value("kit")
    expect(sort).to_have_value("name")
    assert names(page, cards) == ["Brass kit", "Walnut kit"]

    page.go_back()
    expect(page).to_have_url(site + "/shop/")
    expect(page.locator(cards)).to_have_count(3)
    expect(search).to_have_value("")

    page.go_forward()
    page.go_forward()
    expect(page).to_have_url(site + "/shop/?q=kit&sort=price")
    expect(search).to_have_value("kit")
    expect(sort).to_have_value("price")
    page.go_forward()
    expect(min_price).to_have_value("500000")
    expect(page.locator(cards)).to_have_count(1)


def test_event_list_form_follows_the_url_through_back_and_forward(site, page: Page):
    soon = timezone.now() + timedelta(days=5)
    LocationFactory(event=EventFactory(title="River Run", sport_type="running", starts_at=soon))
    LocationFactory(event=EventFactory(title="Night Ride", sport_type="cycling", starts_at=soon))
    page.set_viewport_size(DESKTOP)
    cards = "#results article h2"
    search, sport, when = (
        page.get_by_label("Search"),
        page.get_by_label("Sport"),
        page.get_by_label("When"),
    )

    page.goto(site + "/events/")
    sport.select_option("cycling")
    expect(page).to_have_url(site + "/events/?sport=cycling")
    when.select_option("all")
    expect(page).to_have_url(site + "/events/?sport=cycling&when=all")
    search.fill("ride")
    expect(page).to_have_url(site + "/events/?q=ride&sport=cycling&when=all")

    page.go_back()
    expect(page).to_have_url(site + "/events/?sport=cycling&when=all")
    expect(search).to_have_value("")
    expect(sport).to_have_value("cycling")
    expect(when).to_have_value("all")
    page.go_back()
    expect(when).to_have_value("upcoming")
    expect(sport).to_have_value("cycling")
    assert names(page, cards) == ["Night Ride"]
    page.go_back()
    expect(page).to_have_url(site + "/events/")
    expect(sport).to_have_value("")
    expect(page.locator(cards)).to_have_count(2)

    page.go_forward()
    page.go_forward()
    page.go_forward()
    expect(page).to_have_url(site + "/events/?q=ride&sport=cycling&when=all")
    expect(search).to_have_value("ride")
    expect(sport).to_have_value("cycling")
    expect(when).to_have_value("all")


def test_back_without_a_cached_snapshot_loads_the_whole_page(site, page: Page):
    ProductFactory(name="Walnut kit", slug="walnut-kit")
    ProductFactory(name="Coiled cable", slug="cable")
    page.set_viewport_size(DESKTOP)
    page.goto(site + "/shop/")
    page.get_by_label("Search").fill("kit")
    expect(page).to_have_url(site + "/shop/?q=kit")
    expect(page.locator("#results article")).to_have_count(1)
    # htmx keeps its snapshots in sessionStorage; without one it asks the server.
    page.evaluate("sessionStorage.removeItem('htmx-history-cache')")

    page.go_back()
    expect(page).to_have_url(site + "/shop/")
    expect(page.locator("#results article")).to_have_count(2)
    expect(page.get_by_role("banner")).to_be_visible()
    expect(page.get_by_label("Search")).to_have_value("")
    page.evaluate("sessionStorage.removeItem('htmx-history-cache')")
    page.go_forward()
    expect(page.get_by_label("Search")).to_have_value("kit")
    expect(page.locator("#results article")).to_have_count(1)
