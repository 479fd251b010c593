"""The development server's log has one line per request."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_make_run_logs_each_request_once(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="project.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PYTHONUNBUFFERED="1",
    )
    log = tmp_path / "server.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                        assert page.status == 200
                    break
                except OSError:
                    assert server.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.2)
            urllib.request.urlopen(f"http://127.0.0.1:{port}/?once=1", timeout=10).close()
            time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=20)
    # Two requests, two lines: daphne's runserver line and its copy through Django's DEBUG
    # console handler are gone, the request log's line stays.
    requests = [line for line in log.read_text().splitlines() if "GET /" in line]
    assert len(requests) == 2, requests
    assert all("tessera.request" in line for line in requests)


def test_reset_and_confirmation_keys_never_reach_the_log(client, caplog, db):
    caplog.set_level("INFO", logger="tessera.request")
    client.get("/accounts/password/reset/key/4-secretkey123/")
    client.get("/accounts/confirm-email/Mzk:1tsecret:abc/")
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "/accounts/password/reset/key/***" in logged
    assert "/accounts/confirm-email/***" in logged
    assert "secret" not in logged
