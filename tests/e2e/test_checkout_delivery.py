"""Checkout's delivery step in a browser: pickup swaps the address form for the pickup
location, and back."""

from decimal import Decimal

from playwright.sync_api import Browser, expect

from project.accounts.tests.factories import UserFactory
from shop.services.cart import cart_add
from shop.tests.factories import ProductFactory
from shop.tests.kinds import user_cart
from tests.e2e.conftest import signed_in_page


def test_pickup_hides_the_address_form_and_shows_the_pickup_location(
    site, browser: Browser, settings
):
    settings.SHOP_PICKUP_LOCATION = "Tessera store, 12 Lê Lợi, District 1"
    buyer = UserFactory(verified=True)
    product = ProductFactory(name="Walnut case", price=Decimal("450000"), stock=5)
    cart_add(cart=user_cart(buyer), kind="product", ref=str(product.pk), quantity=1, user=buyer)

    page = signed_in_page(browser, site, buyer, width=1280)
    page.goto(f"{site}/checkout/delivery/")
    address_form = page.locator("#delivery-address")
    pickup = page.locator("#pickup-location")
    expect(address_form).to_be_visible()
    expect(page.get_by_label("Country")).to_have_value("VN")
    expect(page.get_by_label("Save this address to my profile")).to_be_checked()
    expect(pickup).to_be_hidden()

    page.get_by_label("Pick up at the store").check()
    expect(address_form).to_be_hidden()
    expect(pickup).to_be_visible()
    expect(pickup).to_contain_text("Tessera store, 12 Lê Lợi, District 1")

    page.get_by_label("Deliver to an address").check()
    expect(address_form).to_be_visible()
    expect(pickup).to_be_hidden()

    page.get_by_label("Pick up at the store").check()
    page.get_by_role("button", name="Continue to payment").click()
    expect(page).to_have_url(f"{site}/checkout/payment/")
    expect(page.get_by_label("Test payment")).to_be_checked()  # the only method, preselected
