import pytest
from django.urls import reverse
from prometheus_client import REGISTRY

from project.settings.base import redis_cache
from shop.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_check_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "broker"}
    assert all(result == "ok" for result in body["checks"].values())


def test_healthz_names_an_unreachable_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"].startswith("error")
    assert body["checks"]["database"] == "ok"


def test_healthz_names_an_unreachable_cache(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert "cache" in response.json()["failing"]


@pytest.mark.parametrize(
    "backend",
    ["channels_redis.core.RedisChannelLayer", "channels_redis.pubsub.RedisPubSubChannelLayer"],
)
def test_healthz_names_an_unreachable_channel_layer(client, settings, backend):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": backend, "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["failing"] == ["channel_layer"]


def test_pages_survive_a_cache_outage(client, settings):
    """The catalog reads and fills its page cache on every request: with the cache server
    gone (the production cache settings, pointed at a closed port) the buyer still sees
    the products, and the cache calls the page made are the ones counted as failed."""
    settings.CACHES = {"default": redis_cache("redis://127.0.0.1:1/0")}
    settings.REDIS_RETRY_SECONDS = 0  # every call tries Redis, so every call is counted
    ProductFactory(name="Walnut case")
    failed_before = cache_errors("get")

    response = client.get(reverse("shop:product_list"))

    assert response.status_code == 200
    assert "Walnut case" in response.content.decode()
    assert cache_errors("get") > failed_before


def cache_errors(operation: str) -> float:
    value = REGISTRY.get_sample_value("tessera_cache_errors_total", {"operation": operation})
    return value or 0.0


def test_metrics_exposes_prometheus_text(client):
    client.get(reverse("core:landing"))
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "django_http_requests_total_by_method_total" in response.content.decode()


def test_rate_limited_htmx_request_gets_a_toast(rf):
    import json

    from django_htmx.middleware import HtmxDetails

    from project.core.views import ratelimited

    request = rf.get("/shop/?q=x", HTTP_HX_REQUEST="true")
    request.htmx = HtmxDetails(request)
    response = ratelimited(request)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Too many requests" in json.loads(response["HX-Trigger"])["toast"]["html"]


def _broken_broker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"


def test_healthz_hides_error_text_from_outside_addresses(client, settings):
    _broken_broker(settings)
    response = client.get(reverse("healthz"), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 503
    body = response.json()
    # The contract holds: which check failed, but no hosts, ports or exception text.
    assert body == {
        "status": "error",
        "checks": {"database": "ok", "cache": "ok", "channel_layer": "ok", "broker": "failed"},
        "failing": ["broker"],
    }
    assert "127.0.0.1" not in response.content.decode()


def test_healthz_through_the_proxy_judges_the_forwarded_client(client, settings):
    # nginx on the same host connects from loopback; the client it forwards is outside.
    _broken_broker(settings)
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get(reverse("healthz"), HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.json()["checks"]["broker"] == "failed"


def test_healthz_shows_error_text_to_loopback_and_the_allow_list(client, settings):
    _broken_broker(settings)
    assert client.get(reverse("healthz")).json()["checks"]["broker"].startswith("error: ")
    settings.HEALTHZ_DETAIL_ALLOWED_IPS = ["10.0.0.0/8", "not-an-address"]
    response = client.get(reverse("healthz"), REMOTE_ADDR="10.1.2.3")
    assert response.json()["checks"]["broker"].startswith("error: ")
    response = client.get(reverse("healthz"), REMOTE_ADDR="192.0.2.1")
    assert response.json()["checks"]["broker"] == "failed"
