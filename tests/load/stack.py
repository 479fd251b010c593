"""A production-like Tessera on loopback: gunicorn (sync workers), daphne, a Celery worker,
PostgreSQL and Redis, with production settings over plain HTTP.

Used by `make load` (tests/load/run.py) and the benchmarks in bench/. Ports 18000-18099;
PostgreSQL database `tessera_load` (LOAD_DATABASE_URL), Redis db 9 for the broker and the
channel layer and db 10 for the cache (LOAD_REDIS_URL, LOAD_CACHE_REDIS_URL): both are
emptied at start. E-mails go to a small SMTP sink in this process. Everything started is
stopped on exit, daphne with a SIGKILL if it does not exit within its grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests import processes

DATABASE_URL = os.environ.get(
    "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tessera_load"
)
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/9")
CACHE_REDIS_URL = os.environ.get("LOAD_CACHE_REDIS_URL", "redis://127.0.0.1:6379/10")
WEB_PORT = 18000
WS_PORT = 18001
SMTP_PORT = 18025


def production_env(**overrides: str) -> dict[str, str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CACHE_", "CELERY_"))
    }
    return {
        **environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{WEB_PORT}",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "CACHE_REDIS_URL": CACHE_REDIS_URL,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(SMTP_PORT),
        "EMAIL_USE_TLS": "false",
        "PAYMENTS_MOCK_ENABLED": "true",
        "MFA_REQUIRED_FOR_STAFF": "false",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(processes.BASE_DIR / "test-artifacts" / "load-media"),
        **overrides,
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=processes.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def database_create(url: str = DATABASE_URL) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def redis_flush(*urls: str) -> None:
    import redis

    for url in urls:
        redis.Redis.from_url(url).flushdb()


def prepare(env: dict[str, str], *, password: str, users: int = 100, demo: bool = True) -> str:
    """Database, static files and seed data; returns seed_load's summary line."""
    database_create()
    redis_flush(REDIS_URL, CACHE_REDIS_URL)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    if demo:
        manage(env, "seed_demo", "--allow-demo-password")
    return manage(env, "seed_load", "--users", str(users), "--password", password).strip()


class SmtpSink:
    """Accepts every message and keeps a count: enough SMTP for smtplib."""

    def __init__(self, port: int = SMTP_PORT):
        self.port = port
        self.messages = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        ready = threading.Event()
        self._ready = ready
        self._thread.start()
        ready.wait(5)
        return self

    def __exit__(self, *exc):
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self):
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._session, "127.0.0.1", self.port)
        )
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()

    async def _session(self, reader, writer):
        writer.write(b"220 sink ESMTP\r\n")
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    writer.write(b"250 sink\r\n")
                elif verb == b"DATA":
                    writer.write(b"354 go on\r\n")
                    await reader.readuntil(b"\r\n.\r\n")
                    self.messages += 1
                    writer.write(b"250 kept\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    break
                else:
                    writer.write(b"250 ok\r\n")
                await writer.drain()
        writer.close()


def warm_up(web: processes.Service, url: str, ready: str, paths, timeout: float = 90) -> None:
    """Wait until gunicorn's workers answer `ready` (they boot after the port is bound),
    then request each path a few times so every worker has served it once."""
    import requests

    headers = {"X-Forwarded-Proto": "https"}  # as nginx sends it: no redirect to https
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url + ready, headers=headers, timeout=5).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url}{ready} did not answer:\n{web.log_tail()}")
        time.sleep(0.2)
    for _ in range(4):
        for path in paths:
            requests.get(url + path, headers=headers, timeout=30)


@dataclass
class Stack:
    env: dict[str, str]
    log_dir: Path
    workers: int = 2
    services: list[processes.Service] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{WEB_PORT}"

    def __enter__(self):
        try:
            self.web = self._add(
                processes.gunicorn(
                    WEB_PORT,
                    workers=self.workers,
                    env={**self.env, "CONN_MAX_AGE": "60"},
                    log_dir=self.log_dir,
                )
            )
            self.ws = self._add(
                processes.daphne(
                    WS_PORT,
                    env={**self.env, "DATABASE_POOL": "true"},
                    log_dir=self.log_dir,
                )
            )
            self.worker = self._add(processes.celery_worker(env=self.env, log_dir=self.log_dir))
            self.warm_up()
        except BaseException:
            self.__exit__()
            raise
        return self

    def warm_up(self) -> None:
        """Wait for /healthz, then load the main pages in every worker once (templates are
        compiled and connections opened on first use), so the run measures a warm site."""
        warm_up(self.web, self.url, "/healthz", ("/", "/events/", "/shop/", "/accounts/login/"))

    def _add(self, service):
        self.services.append(service)
        return service

    def __exit__(self, *exc):
        for service in reversed(self.services):
            processes.stop(service, grace=20)

    def rss(self) -> dict[str, list[float]]:
        """MiB per gunicorn worker, per daphne and for the Celery worker."""
        return {
            "gunicorn worker": [processes.rss_mb(pid) for pid in processes.children(self.web.pid)],
            "daphne": [processes.rss_mb(self.ws.pid)],
        }
