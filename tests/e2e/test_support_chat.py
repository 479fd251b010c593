"""A customer and a staff member chat in two browsers; a manager hands the room to a second
staff member; the first one's page turns read-only at once.

The site runs under daphne (HTTP and WebSockets in one process, so even the in-memory
channel layer carries the hand-off from the manager's POST to the sockets). daphne is a
separate process, so it needs the PostgreSQL test database.
"""

import pytest
from django.test import Client
from playwright.sync_api import Browser, expect

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from tests.services.daphne import daphne_server

# daphne serves these tests from another process: the database must be PostgreSQL.
pytestmark = pytest.mark.postgres


@pytest.fixture
def site(transactional_db):
    with daphne_server() as address:
        yield f"http://{address}"


def signed_in(browser: Browser, site: str, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    host = site.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    return context.new_page()


def send(page, text):
    box = page.get_by_role("textbox", name="Message")
    expect(box).to_be_enabled()
    box.fill(text)
    page.get_by_role("button", name="Send").click()
    expect(box).to_have_value("")


def test_chat_handoff_makes_the_first_staff_member_read_only(site, browser: Browser):
    customer = UserFactory(name="Chau Customer")
    first = UserFactory(name="Sam Staff", roles=[Role.STAFF])
    second = UserFactory(name="Tia Staff", roles=[Role.STAFF])
    manager = UserFactory(name="Max Manager", roles=[Role.MANAGER])

    # The customer opens a conversation from "Contact support".
    cust = signed_in(browser, site, customer)
    cust.goto(site + "/support/")
    cust.get_by_label("What is it about?").fill("Late parcel")
    cust.get_by_role("button", name="Open chat").click()
    expect(cust.get_by_role("heading", name="Late parcel")).to_be_visible()
    send(cust, "Hello, my <b>parcel</b> is late")
    cust_log = cust.locator("#chat-log")
    expect(cust_log).to_contain_text("Hello, my <b>parcel</b> is late")
    cust_header = cust.locator("#room-meta")
    expect(cust_header).to_have_text("Waiting for a staff member")
    cust.evaluate("window.sameDocument = true")  # gone if the page reloads

    # Staff take it from the live queue.
    agent = signed_in(browser, site, first)
    agent.goto(site + "/support/queue/")
    row = agent.locator("#queue-waiting tr", has_text="Late parcel")
    expect(row).to_be_visible()
    row.get_by_role("button", name="Take").click()
    expect(agent.get_by_role("heading", name="Late parcel")).to_be_visible()
    agent_log = agent.locator("#chat-log")
    # Markup typed by the customer shows as text.
    expect(agent_log).to_contain_text("Hello, my <b>parcel</b> is late")
    expect(agent_log.locator("b")).to_have_count(0)
    send(agent, "Hi! Looking into it.")
    expect(cust_log).to_contain_text("Hi! Looking into it.")
    expect(cust_log).to_contain_text("Sam Staff joined the conversation.")
    # The customer's open page names who answers, without a reload.
    expect(cust_header).to_have_text("Answered by Sam Staff")

    # Typing shows on the other side.
    cust.get_by_role("textbox", name="Message").press_sequentially("Th")
    expect(agent.locator("[data-chat-typing]")).to_contain_text("Chau Customer is typing")

    # A manager hands the room over.
    boss = signed_in(browser, site, manager)
    boss.goto(cust.url)
    boss.get_by_label("Hand over to").select_option(label=f"Tia Staff ({second.email})")
    boss.get_by_role("button", name="Hand over").click()
    expect(boss.get_by_text("Tia Staff now answers this conversation.")).to_be_visible()

    # The first staff member's open page turns read-only at once.
    expect(agent_log).to_contain_text(
        "Max Manager handed the conversation from Sam Staff to Tia Staff."
    )
    expect(agent.get_by_role("textbox", name="Message")).to_be_disabled()
    expect(agent.get_by_role("button", name="Send")).to_be_disabled()
    expect(agent.get_by_text("Read-only: you can follow this conversation")).to_be_visible()
    expect(cust_log).to_contain_text("handed the conversation from Sam Staff to Tia Staff")
    # Every open page's header now names the new staff member.
    expect(cust_header).to_have_text("Answered by Tia Staff")
    expect(agent.locator("#room-meta")).to_contain_text("Answered by Tia Staff")

    # The new staff member answers; everyone sees it, the old one only reads.
    relief = signed_in(browser, site, second)
    relief.goto(cust.url)
    send(relief, "Tia here, your parcel ships today.")
    expect(cust_log).to_contain_text("Tia here, your parcel ships today.")
    expect(agent_log).to_contain_text("Tia here, your parcel ships today.")
    send(cust, "Thanks!")
    expect(relief.locator("#chat-log")).to_contain_text("Thanks!")
    assert cust.evaluate("window.sameDocument") is True
