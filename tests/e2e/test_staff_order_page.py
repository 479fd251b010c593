"""The staff order pages, the site's and the admin's: everything needed to ship, at a
laptop's width."""

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from shop.tests.factories import ProductFactory
from shop.tests.kinds import order_for, pay
from tests.e2e.conftest import assert_no_horizontal_scroll, signed_in_page

ADDRESS = {
    "recipient": "Trần Thị Bích Ngọc",
    "phone": "+84 90 123 4567",
    "line1": "123 Đường Nguyễn Văn Linh, Phường Tân Phong",
    "line2": "Tòa nhà Sunrise City, Căn hộ 12.05",
    "city": "Hồ Chí Minh",
    "postcode": "700000",
    "country": "VN",
}


@pytest.fixture
def shipped_order():
    customer = UserFactory(name="Ngọc Trần", email="bich.ngoc.tran.longname@example.com")
    keyboard = ProductFactory(
        name="Mechanical keyboard, 75% layout, hot-swappable, Gateron Yellow switches",
        price=Decimal("2450000"),
        stock=10,
    )
    order = order_for(
        customer, ("product", keyboard.pk, 2), delivery_type="delivery", address=ADDRESS
    )
    pay(order)
    return order


def test_staff_order_page_shows_the_delivery_and_fits_1280px(site, browser: Browser, shipped_order):
    page = signed_in_page(browser, site, UserFactory(roles=[Role.STAFF]), width=1280)
    page.goto(f"{site}/staff/orders/{shipped_order.number}/")
    delivery = page.locator("section", has=page.get_by_role("heading", name="Delivery"))
    expect(page.get_by_test_id("delivery-type")).to_have_text("Delivery to an address")
    # The phone as typed reads in the one international format; the country by its name.
    shown = (ADDRESS["recipient"], "+84 901 234 567", ADDRESS["line1"], ADDRESS["city"], "Vietnam")
    for value in shown:
        expect(delivery).to_contain_text(value)
    assert_no_horizontal_scroll(page)


def test_admin_order_page_fits_1280px_and_shows_no_editable_money(
    site, browser: Browser, shipped_order
):
    root = UserFactory(email="root@example.com")
    root.is_staff = root.is_superuser = True
    root.save()
    page = signed_in_page(browser, site, root, width=1280)
    page.goto(f"{site}/admin/shop/order/{shipped_order.pk}/change/")
    expect(page.get_by_role("heading", name=shipped_order.number)).to_be_visible()
    expect(page.locator("input[name=total], input[name$=unit_price]")).to_have_count(0)
    assert_no_horizontal_scroll(page)
