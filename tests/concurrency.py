"""The one harness for races on PostgreSQL: `run_together(count, work)` starts `count`
threads, releases them together at a barrier and collects what each `work(i)` returned (or
the exception it raised), by index.

Each thread uses its own real database connection, opened inside a slot and closed when
its work is done. The server allows 100 connections, shared with other test runs, so at
most `slots` threads hold one at a time (what a connection pool does in production); a
thread the server still refuses ("too many clients") waits and tries again. Every thread
still races the others for the same rows.

Race controls run the same real path with the lock switched off:
`with holds_unlocked(settings): ...` (the `settings` fixture of pytest-django) makes the
kinds' holds read, check and write without their conditional UPDATE.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from django.db import OperationalError, connection

DB_SLOTS = 30
RETRIES = 20


def run_together(count: int, work, *, slots: int = DB_SLOTS, timeout: float = 120) -> list:
    """Run `work(i)` for i in range(count) in threads released together; return the
    results (an exception for a thread that raised one), in index order."""
    barrier = threading.Barrier(count)
    gate = threading.BoundedSemaphore(slots)
    results: list = [None] * count

    def target(i):
        barrier.wait(timeout=timeout)
        for attempt in range(RETRIES):
            with gate:
                try:
                    results[i] = work(i)
                    return
                except OperationalError as exc:
                    if "too many clients" not in str(exc) or attempt == RETRIES - 1:
                        results[i] = exc
                        return
                except Exception as exc:  # noqa: BLE001 - reported to the test
                    results[i] = exc
                    return
                finally:
                    connection.close()
            time.sleep(0.05 * (attempt + 1))

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


def errors(results: list) -> list[Exception]:
    return [result for result in results if isinstance(result, Exception)]


@contextmanager
def holds_unlocked(settings):
    """Switch the kinds' hold locks off for the race controls (`shop.kinds.holds_unlocked`)."""
    settings.TEST_HOLDS_UNLOCKED = True
    try:
        yield
    finally:
        settings.TEST_HOLDS_UNLOCKED = False
