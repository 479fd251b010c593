"""The live order panel takes its progress from the kinds: a kind registered here (a job
that someone works on) reports stage, percent and assignee for its lines; the page and the
socket show them, lines no kind reports follow the order's status, money goes through the
one money filter and every text arrives escaped."""

from __future__ import annotations

from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.db import transaction

from dashboards.broadcast import order_broadcast
from project.accounts.tests.factories import UserFactory
from project.accounts.tokens import ws_token_for
from project.asgi import application
from shop.kinds import LineProgress
from shop.models import Order
from shop.templatetags.money import money_format

from .kinds import order_with
from .panel import panel_read

ORIGIN = [(b"origin", b"http://localhost")]


BOOST = ("job", "gold-to-platinum", "Gold II → Platinum IV", "1250000", 1)
KEYCAPS = ("product", "999", "Keycap set", "450000", 2)


def page_panel(client, order):
    client.force_login(order.user)
    response = client.get(order.get_absolute_url())
    assert response.status_code == 200
    return panel_read(response.content.decode())


def socket_fragments(order, then=None, headers=()) -> list[str]:
    """The fragment sent on connect, and the next one after `then()` when given."""

    async def run():
        path = f"/ws/orders/{order.number}/?token={ws_token_for(order.user)}"
        communicator = WebsocketCommunicator(application, path, headers=[*ORIGIN, *headers])
        connected, code = await communicator.connect(timeout=3)
        assert connected, code
        received = [await communicator.receive_from(timeout=3)]
        if then is not None:
            from channels.db import database_sync_to_async

            await database_sync_to_async(then)()
            received.append(await communicator.receive_from(timeout=3))
        await communicator.disconnect()
        return received

    return async_to_sync(run)()


@pytest.mark.django_db
def test_a_reported_line_shows_its_stage_percent_and_assignee_on_the_page(client, job_kind):
    job_kind.reports["gold-to-platinum"] = LineProgress(
        stage="in_progress", label="Now at Platinum IV", percent=60, assignee="Minh Booster"
    )
    order = order_with(UserFactory(), BOOST, KEYCAPS)

    panel = page_panel(client, order)

    [line] = panel.lines  # the keycaps are reported by no kind: they follow the order
    assert (line["line_title"], line["line_stage"], line["line_percent"]) == (
        "Gold II → Platinum IV",
        "Now at Platinum IV",
        "60%",
    )
    assert line["stage"] == "in_progress"
    assert line["line_assignee"] == "Assigned to Minh Booster"
    assert panel["assignee"] == "Minh Booster"
    # The order's percent is the mean of its lines: 60 % and the paid status's 40 %.
    assert panel["progress_text"] == "50%"
    assert panel.bars == ["50", "60"]
    assert job_kind.progress_calls == 1


@pytest.mark.django_db
def test_without_reports_the_panel_follows_the_order_status(client, job_kind):
    order = order_with(UserFactory(), BOOST, KEYCAPS, status=Order.Status.SHIPPED)

    panel = page_panel(client, order)

    assert panel.lines == []
    assert (panel["status_label"], panel["progress_text"], panel["assignee"]) == (
        "Shipped",
        "75%",
        "—",
    )


@pytest.mark.django_db
def test_kinds_are_not_asked_before_the_order_is_paid(client, job_kind):
    job_kind.reports["gold-to-platinum"] = LineProgress(stage="queued", label="Queued")
    order = order_with(UserFactory(), BOOST, status=Order.Status.PENDING_PAYMENT)

    panel = page_panel(client, order)

    assert (panel.lines, panel["progress_text"]) == ([], "10%")
    assert job_kind.progress_calls == 0


@pytest.mark.django_db
def test_a_line_without_a_percent_shows_its_stage_and_no_bar(client, job_kind):
    job_kind.reports["gold-to-platinum"] = LineProgress(
        stage="queued", label="Waiting for a booster"
    )
    order = order_with(UserFactory(), BOOST)

    panel = page_panel(client, order)

    [line] = panel.lines
    assert line["line_stage"] == "Waiting for a booster"
    assert "line_percent" not in line and "line_assignee" not in line
    assert panel.bars == ["40"]  # only the order's bar, at the paid status's 40 %
    assert panel["assignee"] == "—"


@pytest.mark.django_db
def test_money_on_the_panel_goes_through_the_money_filter(client, job_kind):
    order = order_with(UserFactory(), BOOST, KEYCAPS, refunded="450000")

    panel = page_panel(client, order)

    assert panel["total"] == money_format(Decimal("2150000"), "VND")
    assert panel["refunded_total"] == money_format(Decimal("450000"), "VND")
    assert "2150000" not in panel["total"]  # never the raw Decimal


@pytest.mark.django_db(transaction=True)
def test_the_socket_sends_the_reported_progress_and_then_its_changes(job_kind):
    job_kind.reports["gold-to-platinum"] = LineProgress(
        stage="in_progress", label="Now at Gold I", percent=30, assignee="Minh Booster"
    )
    order = order_with(UserFactory(), BOOST)

    def booster_reports_more():
        with transaction.atomic():
            job_kind.reports["gold-to-platinum"] = LineProgress(
                stage="in_progress", label="Now at Platinum IV", percent=80, assignee="An Booster"
            )
            transaction.on_commit(lambda: order_broadcast(order_id=order.pk))

    first, second = (
        panel_read(html) for html in socket_fragments(order, then=booster_reports_more)
    )

    assert first.attrs["hx-swap-oob"] == "true"
    assert (first.lines[0]["line_stage"], first.lines[0]["line_percent"]) == (
        "Now at Gold I",
        "30%",
    )
    assert first["assignee"] == "Minh Booster"
    assert (second.lines[0]["line_stage"], second["progress_text"]) == ("Now at Platinum IV", "80%")
    assert second["assignee"] == "An Booster"
    assert second.lines[0]["line_assignee"] == "Assigned to An Booster"
    # Same status and totals: the page's other parts need no refresh, only the panel changed.
    assert first.attrs["data-status"] == second.attrs["data-status"] == "paid"
    assert first.attrs["data-live-key"] != second.attrs["data-live-key"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("accept_language", [b"en-US,en;q=0.9", b"ru-RU,ru;q=0.9", b"vi"])
def test_followers_in_any_language_get_the_change(job_kind, accept_language):
    """The broadcast renders once in the site's language; a follower whose browser asks
    for another gets a fragment rendered for it, with the same change."""
    job_kind.reports["gold-to-platinum"] = LineProgress(stage="queued", label="Queued")
    order = order_with(UserFactory(), BOOST)

    def booster_starts():
        job_kind.reports["gold-to-platinum"] = LineProgress(
            stage="in_progress", label="Now at Gold I", percent=20, assignee="Minh Booster"
        )
        order_broadcast(order_id=order.pk)

    fragments = socket_fragments(
        order, then=booster_starts, headers=[(b"accept-language", accept_language)]
    )
    first, second = (panel_read(html) for html in fragments)

    assert first.lines[0]["line_stage"] == "Queued"
    assert (second.lines[0]["line_stage"], second.lines[0]["line_percent"]) == (
        "Now at Gold I",
        "20%",
    )
    assert second["assignee"] == "Minh Booster"


@pytest.mark.django_db(transaction=True)
def test_the_page_and_the_socket_show_the_same_panel(client, job_kind):
    job_kind.reports["gold-to-platinum"] = LineProgress(
        stage="in_progress", label="Now at Gold I", percent=30, assignee="Minh Booster"
    )
    order = order_with(UserFactory(), BOOST, KEYCAPS)

    on_page = page_panel(client, order)
    [fragment] = socket_fragments(order)
    on_socket = panel_read(fragment)

    assert (on_socket.fields, on_socket.lines, on_socket.bars) == (
        on_page.fields,
        on_page.lines,
        on_page.bars,
    )
    assert on_socket.attrs["data-live-key"] == on_page.attrs["data-live-key"]


@pytest.mark.django_db(transaction=True)
def test_titles_and_reports_arrive_escaped_through_the_socket(job_kind):
    job_kind.reports["x"] = LineProgress(
        stage="in_progress",
        label="<img src=x onerror=alert(1)>",
        percent=10,
        assignee="<b>Eve</b>",
    )
    order = order_with(UserFactory(), ("job", "x", "<script>alert('boost')</script>", "1000", 1))

    [fragment] = socket_fragments(order)

    assert "<script>" not in fragment and "<img" not in fragment and "<b>" not in fragment
    assert "&lt;script&gt;alert(&#x27;boost&#x27;)&lt;/script&gt;" in fragment
    line = panel_read(fragment).lines[0]
    # What a reader sees is the text itself, not markup.
    assert line["line_title"] == "<script>alert('boost')</script>"
    assert line["line_stage"] == "<img src=x onerror=alert(1)>"
    assert line["line_assignee"] == "Assigned to <b>Eve</b>"


@pytest.mark.django_db
def test_percents_outside_0_to_100_are_drawn_at_the_ends(client, job_kind):
    job_kind.reports["over"] = LineProgress(stage="done", label="Done", percent=140)
    job_kind.reports["under"] = LineProgress(stage="queued", label="Queued", percent=-5)
    order = order_with(
        UserFactory(), ("job", "over", "Boost A", "1000", 1), ("job", "under", "Boost B", "1000", 1)
    )

    panel = page_panel(client, order)

    assert [line["line_percent"] for line in panel.lines] == ["100%", "0%"]
    assert panel["progress_text"] == "50%"
