"""Row locks that time out: `lock_timeout()` wraps the statements of a transaction that
wait for row locks (`select_for_update`, a conditional UPDATE). On PostgreSQL it sets
`lock_timeout` (SET LOCAL, so only this transaction) to LOCK_TIMEOUT_MS for the block, and a
lock not had in that time becomes `project.core.errors.Busy`: the person who asked reads
"busy, try again" (HTTP 503) instead of waiting on a hung request.

    with transaction.atomic(), lock_timeout():
        order = Order.objects.select_for_update().get(pk=order.pk)

On SQLite the database locks as a whole; its "database is locked" becomes `Busy` too.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection

from .errors import Busy

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for lock_timeout and NOWAIT


@contextmanager
def lock_timeout(milliseconds: int | None = None):
    """Make the locks taken inside the block wait at most `milliseconds` (LOCK_TIMEOUT_MS by
    default), then raise `Busy`. Use inside `transaction.atomic()`."""
    if milliseconds is None:
        milliseconds = settings.LOCK_TIMEOUT_MS
    previous = _timeout_set(f"{int(milliseconds)}ms")
    try:
        yield
    except DatabaseError as exc:
        if is_lock_timeout(exc):
            raise Busy() from exc
        raise  # the transaction is aborted: nothing to restore
    except BaseException:
        _timeout_set(previous)
        raise
    else:
        _timeout_set(previous)


def is_lock_timeout(exc: BaseException) -> bool:
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) == LOCK_NOT_AVAILABLE:
        return True
    return connection.vendor == "sqlite" and "database is locked" in str(exc)


def _timeout_set(value: str | None) -> str | None:
    """Set this transaction's lock_timeout; return the one it replaces (None off PostgreSQL)."""
    if connection.vendor != "postgresql" or value is None:
        return None
    if not connection.in_atomic_block:
        raise RuntimeError("lock_timeout() is for the locks of a transaction: open one first.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
            [value],
        )
        return cursor.fetchone()[0]
