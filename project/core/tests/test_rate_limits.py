"""Rate limits through the `limits` library: a moving window per key, shared through
Redis, still applied per process when Redis is unreachable."""

import time

import pytest

from project.core.rate_limits import rate_limit_hit
from project.settings.base import redis_cache


def hits(n, **kwargs):
    return [rate_limit_hit(**{"scope": "test", "key": 7, **kwargs}) for _ in range(n)]


def test_a_key_gets_its_limit_then_refusals_until_the_window_moves():
    assert hits(3, limit=2, seconds=1) == [True, True, False]
    assert rate_limit_hit(scope="test", key=8, limit=2, seconds=1)  # per key
    assert rate_limit_hit(scope="other", key=7, limit=2, seconds=1)  # per scope
    time.sleep(1.1)
    assert rate_limit_hit(scope="test", key=7, limit=2, seconds=1)


def test_limits_still_apply_and_answer_at_once_while_redis_is_unreachable(settings):
    settings.CACHES = {"default": redis_cache("redis://127.0.0.1:9/0")}  # nothing listens
    started = time.monotonic()
    assert hits(4, limit=3, seconds=60) == [True, True, True, False]
    # One failed connection, then process memory until REDIS_RETRY_SECONDS pass.
    assert time.monotonic() - started < 1.5


@pytest.mark.services
def test_processes_share_the_count_through_redis(settings):
    from project.core import rate_limits

    if not settings.CACHES["default"]["BACKEND"].startswith("django_redis"):
        pytest.skip("needs REDIS_URL")
    assert hits(2, limit=2, seconds=60) == [True, True]
    rate_limits._memory.storage.reset()  # another process has no memory of these
    assert hits(1, limit=2, seconds=60) == [False]
