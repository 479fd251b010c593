"""Rate limits on actions that are not requests (chat messages, rooms opened by a socket):
the `limits` library's moving window, kept in the cache's Redis so every process counts
together.

`rate_limit_hit(...)` counts one attempt and answers whether it is allowed. When Redis
fails, the attempt is counted in process memory instead, and so is every attempt for the
next REDIS_RETRY_SECONDS (as project/core/cache.py does for the cache): the limit still
applies, per process, and a dead or hung Redis neither refuses everyone nor costs a socket
timeout per message. If even that fails, the attempt is allowed (chat keeps working).
Without Redis (development, tests) the counts live in process memory.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger("tessera.rate_limits")

_memory = MovingWindowRateLimiter(MemoryStorage())
_redis: dict[str, MovingWindowRateLimiter] = {}
_lock = threading.Lock()
_down_until = 0.0


def _redis_url() -> str | None:
    cache = settings.CACHES["default"]
    return cache["LOCATION"] if cache["BACKEND"].startswith("django_redis") else None


def _redis_limiter(url: str) -> MovingWindowRateLimiter:
    with _lock:
        if url not in _redis:
            timeout = settings.REDIS_SOCKET_TIMEOUT
            storage = RedisStorage(
                url,
                key_prefix="tessera:limits",
                socket_timeout=min(timeout, 0.5),
                socket_connect_timeout=min(settings.REDIS_SOCKET_CONNECT_TIMEOUT, 0.5),
            )
            _redis[url] = MovingWindowRateLimiter(storage)
        return _redis[url]


def _limiter() -> MovingWindowRateLimiter:
    url = _redis_url()
    if url is None or time.monotonic() < _down_until:
        return _memory
    return _redis_limiter(url)


def rate_limit_hit(*, scope: str, key, limit: int, seconds: int) -> bool:
    """Count one attempt of `key` in `scope`; True while there were at most `limit` in the
    last `seconds`, False for an attempt over the limit (which is not counted, so a client
    gets through again as soon as its oldest attempt leaves the window)."""
    global _down_until
    item = RateLimitItemPerSecond(limit, seconds)
    limiter = _limiter()
    try:
        return limiter.hit(item, scope, str(key))
    except Exception:
        if limiter is _memory:
            logger.warning("rate limit unavailable; allowing", exc_info=True)
            return True
        _down_until = time.monotonic() + settings.REDIS_RETRY_SECONDS
        logger.warning("rate limits: redis failed, counting in process memory", exc_info=True)
        return _memory.hit(item, scope, str(key))


def rate_limits_reset() -> None:
    """Forget every count kept in process memory (tests)."""
    global _down_until
    _memory.storage.reset()
    _down_until = 0.0
