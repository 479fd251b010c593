"""A shopper browses and filters the shop, fills a cart as a guest, logs in through the
real form (the cart is kept), checks out, pays in the mock sandbox, sees the order paid and
downloads the invoice. The cart page is also checked at phone width."""

import re
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, expect

from project.accounts.tests.factories import PASSWORD, UserFactory
from shop.tests.factories import CategoryFactory, ProductFactory

from .conftest import PHONE, assert_no_horizontal_scroll, open_menu


def test_guest_cart_login_checkout_pay_and_invoice(site, page: Page):
    keyboards = CategoryFactory(name="Keyboards", slug="keyboards")
    ProductFactory(
        category=keyboards,
        name="Walnut case",
        slug="walnut-case",
        stock=5,
        price=Decimal("1250000"),
    )
    ProductFactory(
        category=keyboards, name="Brass plate", slug="brass-plate", stock=5, price=Decimal("450000")
    )
    shopper = UserFactory(email="shopper@example.com", verified=True)

    # Browse and filter.
    page.goto(site + "/shop/")
    expect(page.get_by_text("Brass plate").first).to_be_visible()
    page.get_by_label("Search").fill("walnut")
    expect(page).to_have_url(re.compile(r"q=walnut"))
    expect(page.get_by_text("Brass plate")).to_have_count(0)
    page.get_by_role("link", name=re.compile("Walnut case")).first.click()

    # Add to the cart as a guest: a toast and the mini-cart count.
    expect(page.get_by_role("heading", name="Walnut case")).to_be_visible()
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name=re.compile("Add to cart")).click()
    expect(page.get_by_text("Added 2 × Walnut case to your cart.")).to_be_visible()
    expect(page.get_by_test_id("mini-cart-count")).to_have_text("2")

    # Log in through the real form; the cart is kept.
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    page.locator("input[name=login]").fill(shopper.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.get_by_test_id("mini-cart-count")).to_have_text("2")

    page.goto(site + "/cart/")
    line = page.get_by_test_id("cart-line")
    expect(line).to_contain_text("Walnut case")
    expect(line).to_contain_text("Reserved for you")
    expect(page.get_by_test_id("cart-total")).to_have_text("2.500.000 ₫")
    # One less with HTMX: the line, the totals and the mini-cart follow.
    page.get_by_role("button", name="One less Walnut case").click()
    expect(page.get_by_test_id("cart-total")).to_have_text("1.250.000 ₫")
    expect(page.get_by_test_id("mini-cart-count")).to_have_text("1")

    # Check out: delivery, payment method, review, place.
    page.get_by_role("link", name="Check out").click()
    page.get_by_label("Pick up at the store").check()
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_label(re.compile("Test payment")).check()
    page.get_by_role("button", name="Review your order").click()
    expect(page.get_by_test_id("review-total")).to_have_text("1.250.000 ₫")
    page.get_by_role("button", name="Place order").click()

    # The mock sandbox: approve.
    expect(page.get_by_test_id("sandbox-amount")).to_have_text("1.250.000 ₫")
    number = page.get_by_test_id("sandbox-order").inner_text()
    assert re.fullmatch(r"TS-\d{4}-\d{6}", number)
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("link", name="View your order").click()

    expect(page.get_by_role("heading", name=f"Order {number}")).to_be_visible()
    expect(page.get_by_test_id("order-status")).to_have_text("Paid")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download invoice").click()
    download = download_info.value
    assert download.suggested_filename == f"invoice-{number}.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    # The cart is empty now, at phone width too.
    page.set_viewport_size(PHONE)
    page.goto(site + "/cart/")
    expect(page.get_by_text("Your cart is empty")).to_be_visible()
    assert_no_horizontal_scroll(page)


def test_cart_page_at_phone_width(site, page: Page):
    page.set_viewport_size(PHONE)
    for name in ("Walnut case with a rather long name for a phone", "Brass plate"):
        product = ProductFactory(name=name, stock=5, price=Decimal("12500000"))
        page.goto(site + product.get_absolute_url())
        page.get_by_role("button", name=re.compile("Add to cart")).click()
        expect(page.get_by_text(re.compile(f"Added 1 × {name}"))).to_be_visible()
    page.goto(site + "/cart/")
    expect(page.get_by_test_id("cart-line")).to_have_count(2)
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="One more Brass plate").click()
    expect(page.get_by_test_id("cart-total")).to_have_text("37.500.000 ₫")
    page.get_by_role("button", name="Remove Brass plate").click()
    expect(page.get_by_test_id("cart-line")).to_have_count(1)
    expect(page.get_by_test_id("mini-cart-count")).to_have_text("1")
    assert_no_horizontal_scroll(page)
