"""Cancelling an event runs its refunds as a task: the POST answers without calling the
payment provider, the page shows the progress while the task runs, starting twice shows the
running one, and a run that stops on an error can be started again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.models import Event, EventCancelRun
from events.services.cancel import event_cancel_run, event_cancel_start
from project.accounts.tests.factories import UserFactory
from project.core.models import OutboxMessage
from project.core.outbox import outbox_redeliver_stuck
from project.organizations.tests.factories import OrganizationFactory
from shop.models import Order, Refund

from .factories import EventFactory, TicketTypeFactory, buy

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def sold(owner):
    event = EventFactory(organization=OrganizationFactory(owner=owner))
    ticket_type = TicketTypeFactory(event=event, quantity=10)
    orders = [buy(user=UserFactory(), ticket_type=ticket_type) for _ in range(3)]
    return event, orders


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def cancel_url(event: Event) -> str:
    return reverse("events_org:cancel", args=[event.organization.slug, event.pk])


def test_the_post_stops_sales_and_leaves_the_refunds_to_the_task(
    owner_client, sold, django_capture_on_commit_callbacks
):
    event, orders = sold
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = owner_client.post(cancel_url(event), {"reason": "Typhoon", "confirm": "on"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELED  # nothing more is sold
    assert not Refund.objects.exists()  # the provider was not called inside the POST

    # The worker has not run yet: the page polls the progress.
    page = owner_client.get(cancel_url(event)).content.decode()
    assert "Refunding the orders" in page
    assert 'hx-trigger="every 2s"' in page

    for callback in queued:  # the worker picks it up
        callback()
    run = EventCancelRun.objects.get()
    assert (run.status, run.orders_done, run.orders_total) == ("done", 3, 3)
    assert sorted(run.refunded_orders) == sorted(order.number for order in orders)
    assert set(Order.objects.values_list("status", flat=True)) == {Order.Status.REFUNDED}

    poll = owner_client.get(cancel_url(event), **HX)
    assert poll["HX-Refresh"] == "true"
    assert "3 order(s) refunded" in poll.content.decode()


def test_starting_twice_shows_the_running_one(
    owner_client, sold, django_capture_on_commit_callbacks
):
    event, _ = sold
    with django_capture_on_commit_callbacks(execute=False) as queued:
        owner_client.post(cancel_url(event), {"reason": "Typhoon", "confirm": "on"})
        second = owner_client.post(
            cancel_url(event), {"reason": "Typhoon again", "confirm": "on"}, follow=True
        )
    assert EventCancelRun.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="events_cancel_run").count() == 1
    assert "already running" in second.content.decode()
    assert len(queued) == 1

    run, started = event_cancel_start(event=event, actor=None, reason="Once more")
    assert started is False and run.status == EventCancelRun.Status.QUEUED


def test_a_run_delivered_twice_refunds_once(sold, django_capture_on_commit_callbacks):
    event, _ = sold
    with django_capture_on_commit_callbacks(execute=True):
        run, _ = event_cancel_start(event=event, actor=None, reason="Typhoon")
    assert Refund.objects.count() == 3
    assert event_cancel_run(run_pk=run.pk) is None  # done already: nothing called again
    assert Refund.objects.count() == 3


def test_a_lost_task_is_run_by_the_periodic_redelivery(
    sold, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_STUCK_AFTER_SECONDS = 0
    event, _ = sold
    with django_capture_on_commit_callbacks(execute=False):  # the process died after commit
        event_cancel_start(event=event, actor=None, reason="Typhoon")
    assert EventCancelRun.objects.get().status == EventCancelRun.Status.QUEUED
    outbox_redeliver_stuck()
    assert EventCancelRun.objects.get().status == EventCancelRun.Status.DONE
    assert Refund.objects.count() == 3


def test_a_run_that_stops_on_an_error_can_be_started_again(
    owner_client, sold, monkeypatch, django_capture_on_commit_callbacks
):
    event, _ = sold
    from events.services import cancel

    def provider_gone(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(cancel, "event_cancel", provider_gone)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(cancel_url(event), {"reason": "Typhoon", "confirm": "on"})
    page = owner_client.get(cancel_url(event)).content.decode()
    assert "the run stopped on an error" in page
    assert "Retry refunds" in page  # the form is back
    monkeypatch.undo()

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(cancel_url(event), {"reason": "Typhoon", "confirm": "on"})
    assert EventCancelRun.objects.filter(status="done").count() == 2
    assert Refund.objects.count() == 3


def test_a_run_with_a_live_worker_is_left_alone_and_a_dead_one_taken_over(sold, settings):
    from datetime import timedelta

    from django.utils import timezone

    event, _ = sold
    run = EventCancelRun.objects.create(
        event=event, reason="Typhoon", status="running", heartbeat_at=timezone.now()
    )
    assert event_cancel_run(run_pk=run.pk) is None  # another worker is refunding
    assert not Refund.objects.exists()

    stale = timezone.now() - timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    EventCancelRun.objects.filter(pk=run.pk).update(heartbeat_at=stale)
    assert event_cancel_run(run_pk=run.pk).status == EventCancelRun.Status.DONE
    assert Refund.objects.count() == 3
