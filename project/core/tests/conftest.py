import threading
from contextlib import contextmanager

import pytest
from django.db import connection, transaction


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
