"""Text on the main pages is readable: every visible text's colour against the background
it sits on reaches WCAG AA (4.5:1, or 3:1 for large text), as axe's colour-contrast rule
measures it."""

from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from shop.tests.factories import ProductFactory

from .conftest import DESKTOP, PHONE

CONTRAST = (Path(__file__).parent / "contrast.js").read_text()


def sign_in(page: Page, site: str, user):
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


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_text_on_the_main_pages_has_enough_contrast(site, page: Page, size):
    ProductFactory(name="Walnut case")
    staff = UserFactory(name="Sam Staff", roles=[Role.STAFF, Role.MANAGER])
    page.set_viewport_size(size)
    pages = ["/", "/shop/", "/events/", "/accounts/login/", "/accounts/signup/"]
    staff_pages = ["/dashboard/", "/staff/orders/", "/staff/shop/products/", "/support/queue/"]
    failures = {}
    for path in pages + ["SIGN-IN"] + staff_pages:
        if path == "SIGN-IN":
            sign_in(page, site, staff)
            continue
        page.goto(site + path)
        found = page.evaluate(CONTRAST)
        if found:
            failures[path] = found
    assert failures == {}
