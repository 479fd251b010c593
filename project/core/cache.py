"""The Redis cache client that degrades to process memory when Redis fails.

Everything that keeps state in the default cache (django-ratelimit, allauth's limiter,
cached sessions, page caches) goes through `FallbackClient`. When a Redis command fails or
times out, the client counts and logs the error and answers that call, and every call for
the next REDIS_RETRY_SECONDS, from a process-local memory cache instead: rate limits
then still apply, per process, instead of refusing everyone (django-ratelimit and allauth
both treat a failed cache call as "over the limit"), and a hung Redis costs one socket
timeout per process and window instead of one per call.

When Redis answers again, the keys this process wrote or deleted meanwhile are deleted
from Redis first (a session ended during the outage must not come back with Redis), and
the memory copy is dropped.
"""

import logging
import socket
import threading
import time

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger("tessera.cache")

# RedisError covers refused writes too (READONLY during a failover, MISCONF), which must
# fall back like a dead server instead of escaping as a 500.
_REDIS_ERRORS = (ConnectionInterrupted, RedisError, socket.timeout)

# Dirty keys remembered per outage; beyond this the oldest are not cleaned up (logged).
_DIRTY_LIMIT = 50_000


def _errors_counter():
    from prometheus_client import Counter

    return Counter(
        "tessera_cache_errors",
        "Redis cache calls that failed and were answered from process memory.",
        ["operation"],
    )


_ERRORS = None
_state_lock = threading.Lock()
_states: dict[str, "_Outage"] = {}


def cache_errors_counter():
    """The Prometheus counter `tessera_cache_errors_total{operation=...}` (made once)."""
    global _ERRORS
    with _state_lock:
        if _ERRORS is None:
            _ERRORS = _errors_counter()
    return _ERRORS


class _Outage:
    """What one process knows about one Redis server: down until when, and what changed."""

    def __init__(self, name: str, timeout):
        self.lock = threading.Lock()
        self.active = False
        self.down_until = 0.0
        self.dirty: set[str] = set()
        self.memory = LocMemCache(
            f"tessera-fallback-{name}", {"TIMEOUT": timeout, "OPTIONS": {"MAX_ENTRIES": 10_000}}
        )


def _outage_for(server, timeout) -> _Outage:
    name = ",".join(server) if isinstance(server, (list, tuple)) else str(server)
    with _state_lock:
        if name not in _states:
            _states[name] = _Outage(name, timeout)
        return _states[name]


# Client methods answered from memory during an outage, and whether they write.
_FALLBACK_METHODS = {
    "get": False,
    "get_many": False,
    "has_key": False,
    "set": True,
    "add": True,
    "delete": True,
    "delete_many": True,
    "set_many": True,
    "incr": True,
    "decr": True,
    "touch": True,
}


class FallbackClient(DefaultClient):
    """django-redis' client, answering from process memory while Redis fails."""

    def __init__(self, server, params, backend):
        super().__init__(server, params, backend)
        self._outage = _outage_for(server, backend.default_timeout)

    def primary_check(self) -> None:
        """A set/get round trip on Redis itself, never the fallback (for /healthz)."""
        key = self.make_key("healthz:roundtrip")
        client = self.get_client(write=True)
        client.set(key, b"ok", px=5000)
        if client.get(key) != b"ok":
            raise RuntimeError("cache did not return what was stored")

    @property
    def degraded(self) -> bool:
        return time.monotonic() < self._outage.down_until

    def _made_keys(self, method: str, args, kwargs) -> list[str]:
        version = kwargs.get("version")
        if method in ("delete_many", "get_many"):
            keys = args[0] if args else kwargs.get("keys", [])
        elif method == "set_many":
            keys = list((args[0] if args else kwargs.get("data", {})).keys())
        else:
            keys = [args[0] if args else kwargs.get("key")]
        return [str(self.make_key(key, version=version)) for key in keys]

    def _recover(self) -> None:
        outage = self._outage
        with outage.lock:
            dirty = list(outage.dirty)
        client = self.get_client(write=True)
        for start in range(0, len(dirty), 1000):
            client.delete(*dirty[start : start + 1000])
        with outage.lock:
            outage.dirty.difference_update(dirty)
            outage.active = False
        outage.memory.clear()
        logger.warning("redis cache is back; %d keys changed during the outage", len(dirty))

    def _from_memory(self, method: str, args, kwargs):
        kwargs = {k: v for k, v in kwargs.items() if k not in ("client", "prefix")}
        memory = self._outage.memory
        if _FALLBACK_METHODS[method]:
            with self._outage.lock:
                if len(self._outage.dirty) < _DIRTY_LIMIT:
                    self._outage.dirty.update(self._made_keys(method, args, kwargs))
        if method == "set":
            nx = kwargs.pop("nx", False)
            kwargs.pop("xx", None)
            return (memory.add if nx else memory.set)(*args, **kwargs) is not False
        if method == "incr" and kwargs.pop("ignore_key_check", False):
            key, delta = args[0], (args[1] if len(args) > 1 else kwargs.get("delta", 1))
            memory.add(key, 0, version=kwargs.get("version"))
            return memory.incr(key, delta, version=kwargs.get("version"))
        return getattr(memory, method)(*args, **kwargs)

    def _call(self, method: str, *args, **kwargs):
        outage = self._outage
        if self.degraded:
            return self._from_memory(method, args, kwargs)
        try:
            if outage.active:
                self._recover()
            return getattr(DefaultClient, method)(self, *args, **kwargs)
        except _REDIS_ERRORS as exc:
            cache_errors_counter().labels(operation=method).inc()
            seconds = settings.REDIS_RETRY_SECONDS
            outage.down_until = time.monotonic() + seconds
            if not outage.active:
                outage.active = True
                logger.warning(
                    "redis cache failed (%s); answering from process memory, retrying every %ss",
                    getattr(exc, "__cause__", None) or exc,
                    seconds,
                )
            return self._from_memory(method, args, kwargs)


def _delegate(method):
    def call(self, *args, **kwargs):
        return self._call(method, *args, **kwargs)

    call.__name__ = method
    return call


for _method in _FALLBACK_METHODS:
    setattr(FallbackClient, _method, _delegate(_method))
