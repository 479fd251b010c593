"""A kind reports progress on a paid line; the customer's open order page shows the stage,
the percent and the assignee as they change, through the socket, without a reload and
without fetching the page again (only the status, the totals and the history need that).

The kind is registered in this test process, which renders the panel's fragment and sends
it to the order's group through the Redis channel layer, as `dashboards.broadcast` does;
daphne, in its own process, delivers it to the browser.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from playwright.sync_api import Browser, expect

from dashboards.live import order_group, order_update_event
from dashboards.tests.kinds import job_kind_install, job_kind_remove, order_with
from project.accounts.tests.factories import UserFactory
from shop.kinds import LineProgress
from tests.e2e.conftest import signed_in_page
from tests.services.daphne import daphne_server

pytestmark = [pytest.mark.postgres, pytest.mark.services]


@pytest.fixture
def job_kind():
    yield job_kind_install()
    job_kind_remove()


@pytest.fixture
def site(transactional_db):
    with daphne_server(env={"REDIS_URL": settings.REDIS_URL}) as address:
        yield f"http://{address}"


def push(order):
    """What `order_broadcast` sends after a kind's change commits (from another thread:
    Playwright's event loop runs in this one)."""
    event = order_update_event(order)
    send = async_to_sync(get_channel_layer().group_send)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(send, order_group(order.number), event).result(timeout=10)


def test_a_kinds_progress_reaches_the_open_order_page(site, browser: Browser, job_kind):
    customer = UserFactory(name="Linh Customer")
    title = "<script>window.pwned = true</script> Gold II → Platinum IV"
    order = order_with(customer, ("job", "boost", title, "1250000", 1))

    page = signed_in_page(browser, site, customer, width=390)
    order_fetches = []
    page.on(
        "request",
        lambda request: (
            order_fetches.append(request.url)
            if request.url.endswith(f"/orders/{order.number}/")
            else None
        ),
    )
    page.goto(f"{site}/orders/{order.number}/")
    panel = page.locator("#order-panel")
    expect(panel.locator("[data-connection]")).to_have_text(
        "Live: updates appear here as they happen."
    )
    expect(panel.locator("[data-field=progress_text]")).to_have_text("40%")
    expect(panel.locator("[data-field=assignee]")).to_have_text("—")

    job_kind.reports["boost"] = LineProgress(
        stage="in_progress", label="Now at Platinum IV", percent=70, assignee="Minh Booster"
    )
    push(order)

    line = panel.locator("[data-line]")
    expect(line.locator("[data-field=line_stage]")).to_have_text("Now at Platinum IV")
    expect(line.locator("[data-field=line_percent]")).to_have_text("70%")
    expect(line.locator("[data-field=line_assignee]")).to_have_text("Assigned to Minh Booster")
    expect(panel.locator("[data-field=assignee]")).to_have_text("Minh Booster")
    expect(panel.locator("progress[data-progress]")).to_have_attribute("value", "70")
    # The title is shown as text: the fragment's markup was escaped, nothing ran.
    expect(line.locator("[data-field=line_title]")).to_have_text(title)
    assert page.evaluate("window.pwned") is None
    # Only the panel changed: the page was loaded once and never fetched again, and the
    # connection line survived the swap.
    assert order_fetches == [f"{site}/orders/{order.number}/"]
    expect(panel.locator("[data-connection]")).to_have_text(re.compile("Live"))
