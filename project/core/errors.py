"""One application error class: its message is written for the person who caused it and is
safe to show. Views, HTMX fragments and consumers handle it the same way (a message, a
toast or an error frame with `status`), never a 500: views that show it in their own form
catch it, and `project.core.middleware.AppErrorMiddleware` answers the rest.

Services raise subclasses (`CartError`, `CheckoutError`, `NotAvailable`, ...); `Busy` is
what a lock that timed out becomes: "busy, try again", HTTP 503.
"""

from __future__ import annotations

from django.utils.translation import gettext


class AppError(Exception):
    """An error whose message may be shown to the user as it stands."""

    status: int = 400
    code: str = "error"

    def __init__(self, message: str = "", *, code: str | None = None, status: int | None = None):
        super().__init__(message or self.default_message())
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    @classmethod
    def default_message(cls) -> str:
        return gettext("Something went wrong. Please try again.")

    @property
    def message(self) -> str:
        return str(self)


class Busy(AppError):
    """A row lock could not be had in time (PostgreSQL `lock_timeout`): try again."""

    status = 503
    code = "busy"

    @classmethod
    def default_message(cls) -> str:
        return gettext("This is busy right now. Please try again in a moment.")
