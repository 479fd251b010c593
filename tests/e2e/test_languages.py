"""At phone width (390 px) a Vietnamese browser gets Vietnamese pages: the header, the menu
and its language chooser, the home page, and prices written "1.250.000 ₫". The chooser
switches to Russian and the choice sticks."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from shop.tests.factories import CategoryFactory, ProductFactory

from .conftest import PHONE, assert_no_horizontal_scroll, open_menu

pytestmark = pytest.mark.browser


@pytest.fixture
def vietnamese_phone(browser, site):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    yield context.new_page()
    context.close()


def test_a_vietnamese_phone_reads_vietnamese_and_can_switch_to_russian(vietnamese_phone, site):
    page = vietnamese_phone
    keyboards = CategoryFactory(name="Keyboards", slug="keyboards")
    ProductFactory(category=keyboards, name="Walnut case", slug="walnut", price=Decimal("1250000"))

    page.goto(site + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_contain_text("tất cả ở một nơi")
    expect(page.get_by_role("link", name="Tạo tài khoản miễn phí")).to_be_visible()
    assert_no_horizontal_scroll(page)

    # The navigation and the chooser are folded into the menu on phones.
    chooser = page.get_by_label("Ngôn ngữ")
    expect(chooser).to_be_hidden()
    open_menu(page)
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    expect(nav.get_by_role("link", name="Trang chủ")).to_be_visible()
    expect(nav.get_by_role("link", name="Cửa hàng")).to_be_visible()
    expect(nav.get_by_role("link", name="Đăng nhập")).to_be_visible()
    expect(chooser).to_be_visible()
    expect(chooser).to_have_value("vi")
    assert_no_horizontal_scroll(page)

    page.goto(site + "/shop/")
    expect(page.get_by_text("1.250.000 ₫").first).to_be_visible()
    expect(page.locator("footer")).to_contain_text("12 Lê Lợi, Quận 1, TP. Hồ Chí Minh")

    # Picking Russian submits at once and comes back to the same page, in Russian.
    open_menu(page)
    with page.expect_navigation():
        chooser.select_option("ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert page.url.endswith("/shop/")
    open_menu(page)
    nav = page.get_by_role("navigation", name="Основная навигация")
    expect(nav.get_by_role("link", name="Главная")).to_be_visible()
    expect(page.get_by_label("Язык")).to_have_value("ru")

    # The cookie outlives the browser's Accept-Language.
    page.goto(site + "/nowhere/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Страница не найдена")
