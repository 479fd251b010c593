"""Fixtures shared by every app's tests."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    skip_pg = pytest.mark.skip(
        reason="needs PostgreSQL: SQLite serialises writers, so races cannot be shown; "
        "set DATABASE_URL (make test does in CI)"
    )
    skip_services = pytest.mark.skip(reason="needs Redis: set REDIS_URL (make test does in CI)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "services" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_services)
        if "/e2e/" in str(item.fspath):
            # Browser tests run in their own pytest process (see the Makefile).
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits and page caches live in the cache; each test starts from an empty one.
    cache.clear()
    yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
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
