"""Fixtures for the core tests."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction


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
