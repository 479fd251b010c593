"""The HTTP API: tokens, scopes, authorization, the error shape, pagination, the schema."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, token_hash
from api.services import api_token_create
from project.accounts.tests.factories import UserFactory
from shop.models import Order
from shop.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def order_for(user, number: str) -> Order:
    return Order.objects.create(
        number=number,
        user=user,
        email=user.email,
        currency="VND",
        total=Decimal("250000"),
        idempotency_key=f"key-{number}",
        status=Order.Status.PAID,
    )


def test_the_profile_page_creates_a_token_shown_once_and_stored_hashed(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("api_tokens"), {"name": "Check-in app", "scopes": ["orders:read"]}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "shown only once" in html
    raw = html.split("data-token>")[1].split("<")[0]
    token = ApiToken.objects.get(user=user)
    assert raw.startswith("tsr_") and raw not in json.dumps(
        list(ApiToken.objects.values()), default=str
    )
    assert token.key_hash == token_hash(raw)
    assert response["Cache-Control"] == "no-store"
    # Reloading the page never shows it again.
    assert raw not in client.get(reverse("api_tokens")).content.decode()
    assert client.get(reverse("api:my_order_list"), **bearer(raw)).status_code == 200


def test_a_token_form_without_scopes_explains_itself(client):
    client.force_login(UserFactory())
    response = client.post(reverse("api_tokens"), {"name": "x"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoked_expired_and_unknown_tokens_are_refused_with_the_error_shape(client):
    user = UserFactory()
    token, raw = api_token_create(user=user, name="t", scopes=["orders:read"])
    url = reverse("api:my_order_list")
    client.force_login(user)
    client.post(reverse("api_token_revoke", args=[token.pk]))
    client.logout()
    response = client.get(url, **bearer(raw))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert "revoked" in response.json()["message"]
    expired, raw_expired = api_token_create(
        user=user, name="e", scopes=["orders:read"], expires_at=timezone.now() + timedelta(days=1)
    )
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(url, **bearer(raw_expired)).status_code == 401
    assert client.get(url, **bearer("tsr_nothing")).status_code == 401


def test_another_users_token_cannot_revoke_mine(client):
    mine, _ = api_token_create(user=UserFactory(), name="mine", scopes=["orders:read"])
    client.force_login(UserFactory())
    assert client.post(reverse("api_token_revoke", args=[mine.pk])).status_code == 404
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is None


def test_scopes_limit_a_token_to_its_areas(client):
    user = UserFactory()
    _, catalog_only = api_token_create(user=user, name="c", scopes=["catalog:read"])
    response = client.get(reverse("api:my_order_list"), **bearer(catalog_only))
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "This token's scopes do not allow this.",
    }
    assert client.get(reverse("api:product_list"), **bearer(catalog_only)).status_code == 200


def test_my_orders_are_mine_and_another_users_order_is_a_404(client):
    alice, bob = UserFactory(), UserFactory()
    order_for(alice, "T-ALICE-1")
    order_for(bob, "T-BOB-1")
    _, raw = api_token_create(user=alice, name="a", scopes=["orders:read"])
    listed = client.get(reverse("api:my_order_list"), **bearer(raw)).json()
    assert [o["number"] for o in listed["results"]] == ["T-ALICE-1"]
    assert listed["results"][0]["total"] == "250000.00"
    assert (
        client.get(reverse("api:my_order_detail", args=["T-ALICE-1"]), **bearer(raw)).status_code
        == 200
    )
    response = client.get(reverse("api:my_order_detail", args=["T-BOB-1"]), **bearer(raw))
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_anonymous_callers_read_the_catalog_but_not_orders(client):
    ProductFactory(name="Tofu65 kit", category=CategoryFactory())
    assert client.get(reverse("api:product_list")).json()["results"][0]["name"] == "Tofu65 kit"
    response = client.get(reverse("api:my_order_list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_the_page_filters_apply_and_bad_values_get_field_errors(client):
    category = CategoryFactory(slug="keyboards")
    ProductFactory(name="Cheap", price=Decimal("100000"), category=category)
    ProductFactory(name="Dear", price=Decimal("9000000"), category=category)
    names = [
        p["name"]
        for p in client.get(reverse("api:product_list"), {"price_max": "200000"}).json()["results"]
    ]
    assert names == ["Cheap"]
    response = client.get(reverse("api:product_list"), {"price_min": "lots"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "price_min" in body["fields"]


def test_lists_page_by_cursor_with_constant_queries(client):
    category = CategoryFactory()
    url = reverse("api:product_list")
    ProductFactory(category=category)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).json()["results"]) == 1
    ProductFactory.create_batch(49, category=category)
    with CaptureQueriesContext(connection) as fifty:
        page = client.get(url, {"page_size": 50}).json()
    assert len(page["results"]) == 50
    assert len(fifty) == len(one)
    first = client.get(url, {"page_size": 20}).json()
    assert len(first["results"]) == 20 and "cursor=" in first["next"]
    second = client.get(first["next"]).json()
    assert not {p["id"] for p in first["results"]} & {p["id"] for p in second["results"]}


def test_limits_apply_per_token(client, settings):
    settings.API_RATE_LIMIT = "3/m"
    user = UserFactory()
    _, one = api_token_create(user=user, name="1", scopes=["catalog:read"])
    _, two = api_token_create(user=user, name="2", scopes=["catalog:read"])
    url = reverse("api:category_list")
    assert [client.get(url, **bearer(one)).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get(url, **bearer(one)).json()["code"] == "throttled"
    assert client.get(url, **bearer(two)).status_code == 200


def test_the_schema_validates_and_the_docs_page_loads_under_the_csp(client, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert "/api/v1/products/" in (tmp_path / "s.yml").read_text()
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "<script>" not in html  # every script is a file, so the CSP needs no exception
