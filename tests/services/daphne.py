"""Run the real ASGI server (daphne) against the test database, for tests that need real
WebSocket clients, the Redis channel layer or a browser.

pytest-django creates `test_<name>`; daphne runs in another process, so it is pointed at
that database explicitly. An in-memory SQLite test database cannot be shared: callers skip.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def shared_database_url() -> str | None:
    """A DATABASE_URL for the test database, or None when it cannot be shared."""
    params = connection.settings_dict
    if connection.vendor != "postgresql":
        return None
    user = quote(params.get("USER") or "")
    password = quote(params.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{quote(params['NAME'])}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def daphne_server(*, env: dict[str, str] | None = None, timeout: float = 60):
    """Yield `127.0.0.1:<port>` of a daphne serving project.asgi:application."""
    database_url = shared_database_url()
    if database_url is None:
        raise RuntimeError("daphne needs a test database another process can open")
    port = _free_port()
    process_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.test",
        "DATABASE_URL": database_url,
        # The test process and daphne must share one channel-layer prefix.
        "CHANNEL_LAYER_PREFIX": settings.CHANNEL_LAYER_PREFIX,
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    log = (BASE_DIR / "test-artifacts").joinpath(f"daphne-{port}.log")
    log.parent.mkdir(exist_ok=True)
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "project.asgi:application",
            ],
            cwd=BASE_DIR,
            env=process_env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"daphne exited early:\n{log.read_text()[-3000:]}")
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", port), timeout=0.2),
                ):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"daphne did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.1)
            yield f"127.0.0.1:{port}"
        finally:
            # daphne can hang on SIGTERM with requests in flight: SIGKILL after 5 s.
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
    with contextlib.suppress(OSError):
        log.unlink()
