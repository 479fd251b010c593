"""Fixtures shared by every app's tests."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests import pieces


@pytest.fixture(autouse=True, scope="session")
def celery_app_configured():
    """The Celery app is imported on first use (project/__init__.py), and it reads its
    configuration once: load it before any test overrides CELERY_* settings, as a process
    that has run for a while would have it."""
    from project.celery import app

    app.conf.task_always_eager  # noqa: B018 - reading it loads the configuration
    return app


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            # Browser tests run in their own pytest process (see the Makefile).
            item.add_marker(pytest.mark.browser)


def _missing_for(item) -> list[pieces.Missing]:
    missing = []
    if "postgres" in item.keywords and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        missing.append(pieces.POSTGRES)
    if "services" in item.keywords and not settings.REDIS_URL:
        missing.append(pieces.REDIS)
    if "browser" in item.keywords:
        missing.append(pieces.chromium_missing())
    for marker in item.iter_markers("needs"):
        missing += [pieces.TOOLS[name]() for name in marker.args]
    return [piece for piece in missing if piece is not None]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    missing = _missing_for(item)
    if missing:
        # CI runs everything: there a missing part fails the run instead of hiding tests.
        pieces.refuse(*missing)


def pytest_sessionfinish(session, exitstatus):
    # The browser run selects tests by marker: when a narrower PYTEST_ARGS selects none of
    # them, "nothing collected" (exit 5) is not a failure of `make test`.
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and session.config.option.markexpr == (
        "browser"
    ):
        session.exitstatus = pytest.ExitCode.OK


@pytest.fixture(autouse=True)
def _site_language():
    # Each test starts in the site's language, as a new request does: a language activated
    # by an earlier test (the chooser, a consumer) must not carry over into this one.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits and page caches live in the cache; each test starts from an empty one.
    from project.core.rate_limits import rate_limits_reset

    cache.clear()
    rate_limits_reset()
    yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": pieces.chromium_path() or pieces.SYSTEM_CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def fake_vnpay(settings):
    """The fake VNPAY gateway (shop/tests/fake_vnpay.py), with the settings pointing at it;
    the shop's and the events' refund tests share it."""
    from shop.tests.fake_vnpay import FakeVnpay

    gateway = FakeVnpay().start()
    settings.VNPAY_TMN_CODE = gateway.tmn_code
    settings.VNPAY_HASH_SECRET = gateway.secret
    settings.VNPAY_PAYMENT_URL = gateway.payment_url
    settings.VNPAY_API_URL = gateway.api_url
    settings.VNPAY_TIMEOUT_SECONDS = 5
    settings.SITE_URL = "http://testserver"
    yield gateway
    gateway.stop()


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


def first_refusal(send, *, limit: int) -> int:
    """Call `send()` until it answers 429; return how many calls were accepted first.

    Fixed-window rate limits reset at a window boundary, which can fall inside a test, so
    up to 2 × limit + 1 calls are made: whichever window the calls land in, one of them
    must overflow, and none can refuse before `limit` calls."""
    for accepted in range(2 * limit + 1):
        if send().status_code == 429:
            return accepted
    raise AssertionError(f"no 429 after {2 * limit + 1} calls (limit {limit})")
