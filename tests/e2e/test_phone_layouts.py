"""At phone width (390 px) the main list pages fit the screen: tables show one card per row
with each value labelled, and filter panels fold behind a "Filters" button."""

from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from events.tests.factories import EventFactory, LocationFactory
from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from shop.models import Order
from shop.tests.factories import CategoryFactory, ProductFactory

from .conftest import PHONE, assert_no_horizontal_scroll

# Every table and scroll container on the page fits: nothing scrolls sideways inside it.
OVERFLOWING = """() => [...document.querySelectorAll('main *')]
    .filter(el => el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1
                  && getComputedStyle(el).overflowX !== 'visible')
    .map(el => `${el.tagName}#${el.id}.${el.className} ${el.scrollWidth}>${el.clientWidth}`)"""


@pytest.fixture
def shop_data(transactional_db):
    staff = UserFactory(name="Sam Staff", roles=[Role.STAFF])
    customer = UserFactory(
        name="Nguyen Thi Minh Khai", email="a.very.long.customer.address@example-shop.com.vn"
    )
    keyboards = CategoryFactory(name="Mechanical keyboards", slug="keyboards")
    for n in range(3):
        ProductFactory(
            category=keyboards,
            name=f"Walnut wooden keyboard case, long edition {n}",
            slug=f"walnut-{n}",
            price=Decimal("1250000"),
        )
        Order.objects.create(
            number=f"TS-2026-0009{n:02}",
            user=customer,
            email=customer.email,
            currency="VND",
            subtotal="1250000.00",
            total="1250000.00",
            status=Order.Status.PAID,
            idempotency_key=f"phone-{n}",
        )
    LocationFactory(event=EventFactory(title="Saigon Riverside Half Marathon 2026"))
    return staff, customer


def signed_in(page: Page, site: str, user):
    client = Client()
    client.force_login(user)
    host = site.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )


def check_fits(page: Page):
    assert_no_horizontal_scroll(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(OVERFLOWING) == []


@pytest.mark.parametrize(
    "path,who,filters",
    [
        ("/", None, None),
        ("/shop/", None, "Sort by"),
        ("/events/", None, "Sport"),
        ("/orders/", "customer", None),
        ("/staff/orders/", "staff", "Status"),
        ("/staff/shop/products/", "staff", "Category"),
        ("/staff/shop/stock/", "staff", None),
        ("/support/queue/", "staff", None),
    ],
)
def test_list_pages_fit_a_phone(site, page: Page, shop_data, path, who, filters):
    staff, customer = shop_data
    if who:
        signed_in(page, site, {"staff": staff, "customer": customer}[who])
    page.set_viewport_size(PHONE)
    page.goto(site + path)
    check_fits(page)

    if filters:
        # Folded behind the button; opened on demand, still within the screen.
        field = page.locator("form[data-filter-form]").get_by_label(filters, exact=True)
        expect(field).to_be_hidden()
        toggle = page.locator("[data-filter-toggle]")
        expect(toggle).to_have_text("Filters")
        toggle.click()
        expect(field).to_be_visible()
        check_fits(page)


def test_tables_show_one_labelled_card_per_row_on_a_phone(site, page: Page, shop_data):
    staff, _ = shop_data
    signed_in(page, site, staff)
    page.set_viewport_size(PHONE)
    page.goto(site + "/staff/orders/")
    table = page.locator("#orders-wrapper table")
    # Column headers are only for screen readers; each cell carries its own label.
    assert table.locator("thead").bounding_box()["height"] <= 1
    row = table.locator("tbody tr").first
    expect(row).to_contain_text("TS-2026-0009")
    # Each value is labelled with its column's name.
    labels = row.locator("td").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)"
    )
    assert {'"Number"', '"Customer"', '"Status"'} <= set(labels), labels
    # Cards stack: the row is no wider than the screen.
    assert row.bounding_box()["width"] <= PHONE["width"]
