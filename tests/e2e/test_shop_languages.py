"""At phone width (390 px) a shopper buys in their own language: the catalog, the product
page, the cart, the checkout steps and the order page read in Vietnamese with prices written
"1.250.000 ₫", or in Russian on a deployment priced in tenge with "12 500 ₸"."""

from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from project.accounts.tests.factories import UserFactory
from shop.tests.factories import CategoryFactory, ProductFactory

from .conftest import PHONE, assert_no_horizontal_scroll

pytestmark = pytest.mark.browser


def phone_page(browser, site: str, user, language: str) -> Page:
    """A 390 px page signed in as `user`, reading `language` (the chooser's cookie)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=PHONE, locale=f"{language}-{language.upper()}")
    host = site.split("//", 1)[1].rsplit(":", 1)[0]
    context.add_cookies(
        [
            {"name": name, "value": value, "domain": host, "path": "/"}
            for name, value in (
                ("sessionid", client.cookies["sessionid"].value),
                ("tessera_language", language),
            )
        ]
    )
    return context.new_page()


def buy(page: Page, site: str, product, words: dict, price: str) -> None:
    """Catalog → product → cart → checkout (pickup, the sandbox) → order page, checking
    the words of each page and the price as the language writes it."""
    page.goto(site + "/shop/")
    expect(page.locator("html")).to_have_attribute("lang", words["lang"])
    expect(page.get_by_role("heading", level=1)).to_have_text(words["shop"])
    expect(page.get_by_label(words["sort"])).to_have_count(1)  # folded away on phones
    expect(page.get_by_text(price).first).to_be_visible()
    assert_no_horizontal_scroll(page)

    page.get_by_role("link", name=product.name).first.click()
    expect(page.get_by_role("heading", name=product.name)).to_be_visible()
    expect(page.locator("[data-price]")).to_have_text(price)
    page.get_by_role("button", name=words["add"]).click()
    expect(page.get_by_text(words["added"])).to_be_visible()
    assert_no_horizontal_scroll(page)

    page.goto(site + "/cart/")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["cart"])
    expect(page.get_by_test_id("cart-total")).to_have_text(price)
    assert_no_horizontal_scroll(page)
    page.get_by_role("link", name=words["check_out"]).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(words["checkout"])
    page.get_by_label(words["pickup"]).check()
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name=words["to_payment"]).click()
    page.get_by_label(words["sandbox"]).check()
    page.get_by_role("button", name=words["review"]).click()
    expect(page.get_by_test_id("review-total")).to_have_text(price)
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name=words["place"]).click()

    expect(page.get_by_test_id("sandbox-amount")).to_have_text(price)
    number = page.get_by_test_id("sandbox-order").inner_text()
    page.get_by_role("button", name=words["approve"]).click()
    page.get_by_role("link", name=words["view_order"]).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(words["order"].format(number))
    expect(page.get_by_role("heading", name=words["items"])).to_be_visible()
    expect(page.get_by_role("link", name=words["invoice"])).to_be_visible()
    expect(page.locator("#order-live")).to_contain_text(price)
    assert_no_horizontal_scroll(page)


def test_a_vietnamese_shopper_buys_in_vietnamese(browser, site):
    keyboards = CategoryFactory(name="Keyboards", slug="keyboards")
    product = ProductFactory(
        category=keyboards, name="Walnut case", slug="walnut", stock=5, price=Decimal("1250000")
    )
    page = phone_page(browser, site, UserFactory(verified=True, language="vi"), "vi")
    words = {
        "lang": "vi",
        "shop": "Cửa hàng",
        "sort": "Sắp xếp theo",
        "add": "Thêm vào giỏ hàng",
        "added": "Đã thêm 1 × Walnut case vào giỏ hàng.",
        "cart": "Giỏ hàng của bạn",
        "check_out": "Thanh toán",
        "checkout": "Thanh toán",
        "pickup": "Nhận tại cửa hàng",
        "to_payment": "Tiếp tục thanh toán",
        "sandbox": "Thanh toán thử (sandbox)",
        "review": "Xem lại đơn hàng",
        "place": "Đặt hàng",
        "approve": "Chấp nhận",
        "view_order": "Xem đơn hàng",
        "order": "Đơn hàng {}",
        "items": "Mặt hàng",
        "invoice": "Tải hóa đơn",
    }
    buy(page, site, product, words, "1.250.000 ₫")


def test_a_russian_shopper_buys_in_russian_in_tenge(browser, site, settings):
    settings.SHOP_CURRENCY = "KZT"
    settings.SITE_COUNTRY = "KZ"
    boards = CategoryFactory(name="Boards", slug="boards")
    product = ProductFactory(
        category=boards,
        name="Walnut case",
        slug="walnut",
        stock=5,
        price=Decimal("12500"),
        currency="KZT",
    )
    page = phone_page(browser, site, UserFactory(verified=True, language="ru"), "ru")
    words = {
        "lang": "ru",
        "shop": "Магазин",
        "sort": "Сортировка",
        "add": "В корзину",
        "added": "Добавлено в корзину: 1 × Walnut case.",
        "cart": "Ваша корзина",
        "check_out": "Оформить заказ",
        "checkout": "Оформление заказа",
        "pickup": "Самовывоз из магазина",
        "to_payment": "Перейти к оплате",
        "sandbox": "Тестовая оплата (песочница)",
        "review": "Проверьте заказ",
        "place": "Оформить заказ",
        "approve": "Подтвердить",
        "view_order": "Посмотреть заказ",
        "order": "Заказ {}",
        "items": "Товары",
        "invoice": "Скачать счёт",
    }
    buy(page, site, product, words, "12 500 ₸")
