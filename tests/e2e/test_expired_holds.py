"""An abandoned guest cart holds the last units of a kit; its hold runs out and no periodic
task runs. The next shopper sees the kit in stock, with its Add button, in a real browser."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from shop.models import CartLine
from shop.tests.factories import ProductFactory


def test_an_expired_hold_on_the_last_units_does_not_hide_the_add_button(
    site, page: Page, browser: Browser
):
    kit = ProductFactory(name="Tofu65 kit", slug="tofu65-kit", stock=2)

    # A guest takes the last two units, then walks away.
    guest = browser.new_context()
    guest_page = guest.new_page()
    guest_page.goto(site + kit.get_absolute_url())
    guest_page.get_by_label("Quantity").fill("2")
    guest_page.get_by_role("button", name=re.compile("Add to cart")).click()
    expect(guest_page.get_by_text("Added 2 × Tofu65 kit to your cart.")).to_be_visible()
    guest.close()

    page.goto(site + kit.get_absolute_url())
    expect(page.get_by_text("Out of stock").first).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Add to cart"))).to_have_count(0)

    # Time passes: the hold ends; nothing sweeps.
    CartLine.objects.update(hold_expires_at=timezone.now() - timedelta(minutes=1))

    page.goto(site + "/shop/")
    card = page.locator("article, li").filter(has_text="Tofu65 kit").first
    expect(card).not_to_contain_text("Out of stock")
    page.goto(site + kit.get_absolute_url())
    expect(page.get_by_text("Out of stock")).to_have_count(0)
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name=re.compile("Add to cart")).click()
    expect(page.get_by_text("Added 2 × Tofu65 kit to your cart.")).to_be_visible()
    expect(page.get_by_test_id("mini-cart-count")).to_have_text("2")
