"""/metrics is for the Prometheus scraper only: a bearer token or an allowed address."""

import pytest

pytestmark = pytest.mark.django_db

OUTSIDE = "203.0.113.7"


def test_metrics_refuse_a_client_without_the_token(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "django_http_requests" not in response.content.decode()


def test_metrics_answer_the_bearer_token(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"
    response = client.get(
        "/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer scrape-secret"
    )
    assert response.status_code == 200
    assert "django_http_requests_total_by_method_total" in response.content.decode()


@pytest.mark.parametrize("sent", ["Bearer wrong", "scrape-secret", "Bearer sécret", ""])
def test_metrics_refuse_a_wrong_token(client, settings, sent):
    settings.METRICS_TOKEN = "scrape-secret"
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=sent)
    assert response.status_code == 401


def test_metrics_without_a_token_configured_need_an_allowed_address(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.0.0.5"]
    assert (
        client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer ").status_code == 401
    )
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.5").status_code == 200


def test_a_forwarded_loopback_address_does_not_open_metrics(client, settings):
    settings.METRICS_TOKEN = ""
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 401
