"""Fixtures for the core tests."""

import threading
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction


@pytest.fixture(scope="module")
def demo_seeded(django_db_setup, django_db_blocker):
    """The demo data, seeded once for the module inside a transaction that is rolled back
    at the module's end (each test runs in a savepoint inside it). Returns what
    `seed_demo` printed. Tests of the module that need an empty database run before the
    first test that asks for this."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = StringIO()
            call_command("seed_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def row_held_elsewhere():
    """`with row_held_elsewhere(queryset):` — another connection (a thread) holds the row
    lock of `queryset.get()` for the block, up to 30 s."""

    @contextmanager
    def hold(queryset):
        locked, release = threading.Event(), threading.Event()

        def holder():
            try:
                with transaction.atomic():
                    queryset.select_for_update().get()
                    locked.set()
                    release.wait(timeout=30)
            finally:
                connection.close()

        thread = threading.Thread(target=holder)
        thread.start()
        try:
            assert locked.wait(timeout=10), "the other connection did not get the lock"
            yield
        finally:
            release.set()
            thread.join(timeout=30)

    return hold
