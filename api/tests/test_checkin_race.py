"""Ten phones scan one code at the same moment through the API (tests/concurrency.py):
exactly one is let in, the nine others are told it was already checked in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Attendee
from events.tests.factories import TicketTypeFactory, buy
from project.accounts.tests.factories import UserFactory
from project.organizations.tests.factories import OrganizationFactory
from tests.concurrency import errors, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PHONES = 10


def test_ten_simultaneous_checkins_of_one_code_admit_exactly_one(bearer, settings):
    settings.API_RATE_LIMIT = "1000/m"
    owner = UserFactory()
    organization = OrganizationFactory(owner=owner)
    ticket_type = TicketTypeFactory(event__organization=organization)
    order = buy(user=UserFactory(), ticket_type=ticket_type)
    code = Attendee.objects.get(order_line__order=order).code
    url = reverse("api:org_checkin", args=[organization.slug, ticket_type.event.pk])
    phones = [bearer(owner, "organizer:write") for _ in range(PHONES)]

    def scan(i):
        response = Client().post(url, {"code": code}, content_type="application/json", **phones[i])
        return response.status_code, response.json()["outcome"]

    results = run_together(PHONES, scan)
    assert errors(results) == []
    assert sorted(results) == [(200, "already")] * (PHONES - 1) + [(200, "checked_in")]
    attendee = Attendee.objects.get(code=code)
    assert attendee.status == Attendee.Status.CHECKED_IN and attendee.checked_in_by == owner
