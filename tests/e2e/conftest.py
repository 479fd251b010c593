"""Browser-test fixtures: a live server on a real database and the development mailbox."""

import re

import pytest
from playwright.sync_api import Page, expect


@pytest.fixture
def site(live_server, settings, transactional_db):
    # E-mails land in the development outbox page, as on a developer's machine.
    settings.EMAIL_BACKEND = "project.core.mail.ConsoleOutboxBackend"
    settings.DEV_OUTBOX_ENABLED = True
    settings.SITE_URL = live_server.url
    return live_server.url


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(params=["desktop", "phone"])
def viewport(request, page: Page):
    size = DESKTOP if request.param == "desktop" else PHONE
    page.set_viewport_size(size)
    return request.param


def signed_in_page(browser, site: str, user, width: int = 1280) -> Page:
    """A new browser page at `width` px, signed in as `user` (no login form)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    host = site.split("//", 1)[1].rsplit(":", 1)[0]
    cookie = client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": cookie, "domain": host, "path": "/"}])
    return context.new_page()


def log_in(page: Page, site: str, email: str) -> None:
    """Sign in through the login form (the test password)."""
    from project.accounts.tests.factories import PASSWORD

    page.goto(site + "/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.locator("input[name=login]")).to_have_count(0)


def open_menu(page: Page):
    """On phones the header navigation is folded behind the Menu button."""
    summary = page.locator("#site-menu > summary")
    if summary.is_visible() and page.locator("#site-menu").get_attribute("open") is None:
        summary.click()


def assert_no_horizontal_scroll(page: Page):
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"page scrolls sideways by {overflow}px"


__all__ = ["expect", "log_in", "open_menu", "assert_no_horizontal_scroll", "re", "signed_in_page"]
