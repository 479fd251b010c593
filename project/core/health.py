"""Health checks for /healthz: database, cache, channel layer and Celery broker.

The checks run side by side, each in its own thread, under one overall deadline
(HEALTHZ_TIMEOUT_SECONDS): a hung dependency (a stopped Redis accepts connections and never
answers) turns into a failed check named in the answer, not a request that hangs until the
worker is killed. A check still running at the deadline finishes on its own socket timeout.
"""

import asyncio
import ipaddress
import logging
import threading
import time
import uuid

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger("tessera.health")


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise RuntimeError("unexpected answer")


def check_cache() -> None:
    # The cache answers from process memory during a Redis outage: ask Redis itself.
    primary_check = getattr(getattr(cache, "client", None), "primary_check", None)
    if primary_check is not None:
        primary_check()
        return
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 5)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def check_channel_layer() -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def roundtrip():
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "healthz"})
        message = await layer.receive(channel)
        if message.get("type") != "healthz":
            raise RuntimeError("channel layer returned a different message")

    async def bounded():
        await asyncio.wait_for(roundtrip(), timeout=settings.HEALTHZ_TIMEOUT_SECONDS)

    async_to_sync(bounded)()


def check_broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # tasks run in-process; there is no broker to reach
    from project.celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        # Connecting is not enough: a hung server accepts the connection and never answers.
        client = getattr(conn.default_channel, "client", None)
        if client is not None and hasattr(client, "ping"):
            client.ping()


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "broker": check_broker,
}


def _run_one(name, check, results):
    try:
        check()
    except Exception as exc:
        logger.warning("health check failed", extra={"check": name, "error": str(exc)})
        results[name] = f"error: {type(exc).__name__}: {exc}"[:300]
    else:
        results[name] = "ok"
    finally:
        if name == "database":
            connection.close()  # this thread's own connection


def run_checks(timeout: float | None = None) -> dict[str, str]:
    """Every check's result ("ok" or "error: ..."), within `timeout` seconds in all."""
    timeout = settings.HEALTHZ_TIMEOUT_SECONDS if timeout is None else timeout
    results: dict[str, str] = {}
    threads = {
        name: threading.Thread(
            target=_run_one, args=(name, check, results), name=f"healthz-{name}", daemon=True
        )
        for name, check in CHECKS.items()
    }
    deadline = time.monotonic() + timeout
    for thread in threads.values():
        thread.start()
    for thread in threads.values():
        thread.join(max(0.0, deadline - time.monotonic()))
    answers = {}
    for name in CHECKS:
        if name in results:
            answers[name] = results[name]
        else:
            logger.warning("health check timed out", extra={"check": name, "timeout": timeout})
            answers[name] = f"error: no answer within {timeout:g} s"
    return answers


def detail_allowed(request) -> bool:
    """May this client read the checks' error text? Loopback and HEALTHZ_DETAIL_ALLOWED_IPS.

    Judged on the client address the trusted proxies report (as rate limits are), so a
    request relayed by an nginx on the same host does not count as loopback."""
    from .ratelimit import client_ip

    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    if address.is_loopback:
        return True
    for allowed in settings.HEALTHZ_DETAIL_ALLOWED_IPS:
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False
