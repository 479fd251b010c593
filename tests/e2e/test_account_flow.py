"""A new visitor signs up, verifies the e-mail from the outbox, logs in, switches role and
logs out — at desktop width and at phone width."""

import re

from playwright.sync_api import Page, expect

from project.accounts.models import User
from project.accounts.roles import Role, role_grant

from .conftest import assert_no_horizontal_scroll, open_menu

PASSWORD = "a-long-Pass-phrase-42"


def test_sign_up_verify_log_in_switch_role_log_out(site, page: Page, viewport):
    email = f"new-{viewport}@example.com"

    page.goto(site + "/")
    open_menu(page)
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label(re.compile("e-?mail", re.I)).first.fill(email)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign up", re.I)).click()
    expect(page.get_by_text(re.compile("verify your e-?mail", re.I)).first).to_be_visible()
    assert_no_horizontal_scroll(page)

    # The confirmation e-mail, from the development outbox.
    page.goto(site + "/dev/outbox/")
    page.get_by_role("link", name=re.compile("confirm", re.I)).first.click()
    link = page.locator("#email-text a").filter(has_text="/accounts/confirm-email/").first
    link.click()
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()

    # Confirming the address logs the new user in, straight to their dashboard.
    expect(page.get_by_role("heading", name=re.compile("customer dashboard", re.I))).to_be_visible()
    assert_no_horizontal_scroll(page)

    # An admin makes them a booster too; the switcher appears and changes the dashboard.
    role_grant(user=User.objects.get(email=email), role=Role.BOOSTER)
    page.reload()
    open_menu(page)
    page.get_by_label("Active role").select_option("booster")
    expect(page.get_by_role("heading", name=re.compile("booster dashboard", re.I))).to_be_visible()
    open_menu(page)
    expect(page.get_by_label("Active role")).to_have_value("booster")

    open_menu(page)
    page.get_by_role("button", name="Log out").click()
    open_menu(page)
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()
    page.goto(site + "/account/profile/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
