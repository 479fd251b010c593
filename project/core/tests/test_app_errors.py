"""One answer to an `AppError` from any view: its status and its message, as a toast for
HTMX, JSON for API clients and an error page otherwise. `Busy` (a row lock that timed out)
is 503 "busy, try again", also when the lock is really held by another connection."""

import json
import time

import pytest
from django.urls import reverse

from project.accounts.tests.factories import UserFactory
from shop.models import Order
from shop.tests.factories import ProductFactory
from shop.tests.kinds import order_for

pytestmark = pytest.mark.django_db

URLS = "project.core.tests.app_error_urls"


@pytest.mark.urls(URLS)
def test_a_page_request_gets_the_message_on_an_error_page_with_its_status(client):
    response = client.get("/test/refused/")
    assert response.status_code == 409
    page = response.content.decode()
    assert "This voucher has expired." in page
    assert "This could not be done" in page


@pytest.mark.urls(URLS)
def test_busy_is_a_503_page_that_says_try_again(client):
    response = client.get("/test/busy/")
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    page = response.content.decode()
    assert "Busy right now" in page
    assert "Please try again in a moment." in page


@pytest.mark.urls(URLS)
def test_an_htmx_request_gets_a_toast_with_the_status(client):
    response = client.post("/test/busy/", headers={"HX-Request": "true"})
    assert response.status_code == 503
    toast = json.loads(response["HX-Trigger"])["toast"]["html"]
    assert "Please try again in a moment." in toast
    assert "data-toast" in toast


@pytest.mark.urls(URLS)
def test_an_api_client_gets_json(client):
    response = client.get("/test/refused/", headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert response.json() == {"error": "This voucher has expired.", "code": "voucher_expired"}


@pytest.mark.urls(URLS)
def test_other_exceptions_are_left_to_the_500_handler(client):
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.get("/test/broken/")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_order_locked_by_another_connection_answers_503_not_a_hang(
    client, settings, row_held_elsewhere
):
    settings.LOCK_TIMEOUT_MS = 300
    user = UserFactory()
    order = order_for(user, ("product", ProductFactory(stock=5).pk, 1))
    client.force_login(user)
    url = reverse("shop:order_cancel", args=[order.number])
    with row_held_elsewhere(Order.objects.filter(pk=order.pk)):
        started = time.monotonic()
        page = client.post(url)
        waited = time.monotonic() - started
        toast = client.post(url, headers={"HX-Request": "true"})
    print(f"\nlocked order: answered 503 after {waited:.2f} s (lock_timeout 0.3 s)")
    assert page.status_code == 503
    assert "Busy right now" in page.content.decode()
    assert waited < 10  # the holder keeps the lock up to 30 s: no hang
    assert toast.status_code == 503
    assert "try again" in json.loads(toast["HX-Trigger"])["toast"]["html"]
    order.refresh_from_db()
    assert order.status == "pending_payment"

    # With the lock gone the same click works.
    response = client.post(url)
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "canceled"
