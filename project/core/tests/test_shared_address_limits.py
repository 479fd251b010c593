"""Limits that do not punish a shared address: people behind one address (a venue's Wi-Fi,
an office's NAT) each have their own search allowance and can all sign in, while one
address still meets a ceiling."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from project.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

VENUE = "203.0.113.50"  # everyone's address behind the venue's Wi-Fi
SEARCH = "/shop/?q=ball"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def visitor_with_session() -> Client:
    client = Client(REMOTE_ADDR=VENUE)
    session = client.session
    session["seen"] = True
    session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def test_a_visitor_over_the_search_limit_does_not_stop_the_next_one(settings):
    settings.SEARCH_RATE_LIMIT = "3/m"
    first, second = visitor_with_session(), visitor_with_session()
    assert [first.get(SEARCH).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert second.get(SEARCH).status_code == 200  # same address, own allowance


def test_one_address_still_has_a_search_ceiling(settings):
    settings.SEARCH_RATE_LIMIT = "3/m"
    settings.SEARCH_IP_RATE_LIMIT = "5/m"
    codes = [visitor_with_session().get(SEARCH).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_browsing_without_a_search_is_never_limited(settings):
    settings.SEARCH_RATE_LIMIT = "1/m"
    settings.SEARCH_IP_RATE_LIMIT = "1/m"
    client = visitor_with_session()
    assert {client.get("/shop/").status_code for _ in range(3)} == {200}


def test_forty_people_behind_one_address_all_sign_in():
    users = UserFactory.create_batch(40)
    refused = 0
    for user in users:
        client = Client(REMOTE_ADDR=VENUE)
        response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
        refused += "_auth_user_id" not in client.session or response.status_code != 302
    assert refused == 0
