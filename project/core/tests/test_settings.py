"""Both run modes and the production hardening, checked in fresh interpreters so the
environment decides, exactly as it does for `make run` and the deployment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import json, django
from django.conf import settings
django.setup()
from project.celery import app
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "email": settings.EMAIL_BACKEND,
    "debug": settings.DEBUG,
}))
"""

SERVICE_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "EMAIL_HOST",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "HOST",
    "PORT",
)
PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "tessera.example.com",
    "EMAIL_HOST": "smtp.example.com",
}


_forkers: list[subprocess.Popen] = []

# One interpreter imports the libraries once, then forks a fresh child per variant: each
# child sets its environment before anything reads the settings, as a new process would.
FORKER = r"""
import io, json, os, runpy, sys, tempfile, traceback
import celery, django, django.core.management, django.db.models, django_redis, redis  # noqa

for request in sys.stdin:
    job = json.loads(request)
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), write_through=True)
        sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), write_through=True)
        os.environ.clear()
        os.environ.update(job["env"])
        code = 0
        try:
            if job["args"]:
                sys.argv = job["args"]
                runpy.run_path(job["args"][0], run_name="__main__")
            else:
                exec(compile(job["code"], "<probe>", "exec"), {"__name__": "__main__"})
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if not isinstance(exc.code, (int, type(None))):
                print(exc.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    out.seek(0)
    err.seek(0)
    print(json.dumps({
        "returncode": os.waitstatus_to_exitcode(status),
        "stdout": out.read().decode(errors="replace"),
        "stderr": err.read().decode(errors="replace"),
    }), flush=True)
"""


@pytest.fixture(scope="module", autouse=True)
def _forker():
    process = subprocess.Popen(
        [sys.executable, "-c", FORKER],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in SERVICE_VARS},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    _forkers.append(process)
    yield
    _forkers.remove(process)
    process.stdin.close()
    process.wait(timeout=30)


def run_python(code_or_args, settings_module, **env_vars):
    """Run `code_or_args` (code, or argv such as ["manage.py", "check"]) as a fresh
    process would, under `settings_module` and `env_vars` and none of the service
    variables of the environment the tests run in."""
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(DJANGO_SETTINGS_MODULE=settings_module, **env_vars)
    job = {"env": env, "code": None, "args": None}
    if isinstance(code_or_args, list):
        job["args"] = code_or_args
    else:
        job["code"] = code_or_args
    forker = _forkers[-1]
    forker.stdin.write(json.dumps(job) + "\n")
    forker.stdin.flush()
    answer = json.loads(forker.stdout.readline())
    return subprocess.CompletedProcess(
        code_or_args, answer["returncode"], answer["stdout"], answer["stderr"]
    )


def test_embedded_default_needs_no_services():
    result = run_python(PROBE, "project.settings.local")
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout.strip().splitlines()[-1])
    assert conf["db"] == "django.db.backends.sqlite3"
    assert conf["cache"].endswith("LocMemCache")
    assert conf["layer"] == "channels.layers.InMemoryChannelLayer"
    assert conf["eager"] is True
    assert conf["email"] == "project.core.mail.ConsoleOutboxBackend"
    assert conf["debug"] is True


def test_service_urls_switch_to_postgres_and_redis():
    result = run_python(
        PROBE,
        "project.settings.local",
        DATABASE_URL="postgres://tessera@db.internal:5432/tessera",
        REDIS_URL="redis://cache.internal:6379/0",
    )
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout.strip().splitlines()[-1])
    assert conf["db"] == "django.db.backends.postgresql"
    assert conf["cache"] == "django_redis.cache.RedisCache"
    assert conf["layer"] == "project.core.layers.FailFastPubSubChannelLayer"
    assert conf["eager"] is False
    assert conf["broker"] == "redis://cache.internal:6379/0"


def test_production_refuses_the_development_secret_key():
    result = run_python(PROBE, "project.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        "project.settings.production",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["ALLOWED_HOSTS", "EMAIL_HOST"])
def test_production_refuses_to_start_without_allowed_hosts_or_an_smtp_server(missing):
    env = {name: value for name, value in PRODUCTION.items() if name != missing}
    result = run_python(PROBE, "project.settings.production", **env)
    assert result.returncode != 0
    assert f"Set {missing}" in result.stderr


def test_production_answers_only_its_own_host_names():
    result = run_python(
        "import django; from django.conf import settings; django.setup();"
        "print(settings.ALLOWED_HOSTS, settings.EMAIL_BACKEND)",
        "project.settings.production",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "['tessera.example.com']",
        "django.core.mail.backends.smtp.EmailBackend",
    ]


def test_make_run_port_reaches_e_mail_links_and_invoices():
    """`make run PORT=8101`: the server and SITE_URL (e-mail links, the invoice header,
    payment return URLs) use 8101 unless SITE_URL says otherwise."""
    # As a user types it, not as a sub-make of `make test` (which would add its own flags).
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    make = subprocess.run(
        ["make", "-n", "run", "PORT=8101"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    command = next(line for line in make.stdout.splitlines() if "runserver" in line)
    assert "runserver 127.0.0.1:8101" in command
    assert "PORT=8101" in command
    probe = "from django.conf import settings; print(settings.SITE_URL)"
    # The command make would run, as the settings see it.
    served = run_python(probe, "project.settings.local", HOST="127.0.0.1", PORT="8101")
    everywhere = run_python(probe, "project.settings.local", HOST="0.0.0.0", PORT="8101")  # noqa: S104
    public = run_python(probe, "project.settings.local", PORT="8101", SITE_URL="https://x.test/")
    assert served.stdout.strip() == "http://127.0.0.1:8101", served.stderr
    assert everywhere.stdout.strip() == "http://127.0.0.1:8101"
    assert public.stdout.strip() == "https://x.test"


@pytest.mark.parametrize("settings_module", ["project.settings.local"])
def test_check_deploy_flags_the_embedded_default(settings_module):
    # Control: the same check does flag insecure settings, so the test above can fail.
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], settings_module
    )
    assert result.returncode != 0
    assert "security.W" in result.stdout + result.stderr


def test_core_channel_layer_flavour_can_be_chosen():
    result = run_python(
        PROBE,
        "project.settings.local",
        REDIS_URL="redis://cache.internal:6379/0",
        CHANNEL_LAYER_FLAVOUR="core",
    )
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout.strip().splitlines()[-1])
    assert conf["layer"] == "project.core.layers.FailFastRedisChannelLayer"


DEV_OUTBOX_PROBE = """
import json, django
django.setup()
from django.contrib import admin
from django.http import Http404
from django.test import RequestFactory
from django.urls import resolve
from project.core.models import DevEmail
admin.autodiscover()
try:
    resolve("/dev/outbox/").func(RequestFactory().get("/dev/outbox/"))
    page = 200
except Http404:
    page = 404
print(json.dumps({"admin": admin.site.is_registered(DevEmail), "page": page}))
"""


def test_production_has_no_development_outbox():
    result = run_python(
        DEV_OUTBOX_PROBE,
        "project.settings.production",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout.strip().splitlines()[-1])
    assert conf == {"admin": False, "page": 404}
