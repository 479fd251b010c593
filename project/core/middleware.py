"""Request middleware: one structured log line per request, with its duration and user;
the refusal of NUL characters before anything reads them; and one answer to an `AppError`
from any view."""

import logging
import re
import time
import uuid

from django.conf import settings

logger = logging.getLogger("tessera.request")

# Paths that carry a secret (a password-reset or e-mail confirmation key) are logged with
# the secret masked: whoever reads the logs must not be able to use the link.
_SECRET_PATHS = re.compile(r"^(/accounts/(?:password/reset/key|confirm-email)/)[^/]+")


def loggable_path(path: str) -> str:
    return _SECRET_PATHS.sub(r"\1***", path)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex[:16]
        started = time.perf_counter()
        response = self.get_response(request)
        if request.path not in ("/healthz", "/metrics") and not request.path.startswith("/static/"):
            user = getattr(request, "user", None)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            path = loggable_path(request.path)
            logger.info(
                "%s %s %s %sms",
                request.method,
                path,
                response.status_code,
                duration_ms,
                extra={
                    "request_id": request.request_id,
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "htmx": bool(getattr(request, "htmx", False)),
                },
            )
        response["X-Request-ID"] = request.request_id
        return response


class RejectNulMiddleware:
    """Answers 400 to a request carrying a NUL character in its path, query, form fields,
    uploaded file names, cookies or headers.

    PostgreSQL text cannot hold NUL, so such a value reaching a lookup (a `<str:>` URL
    argument, an idempotency key, a session cookie) raised `DataError`, a 500. No real
    client sends one; refusing it here, before sessions, authentication and every view,
    is the one place that covers them all. The page is rendered without the request, so
    nothing of the request (its session cookie included) reaches the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _carries_nul(request):
            from django.http import HttpResponseBadRequest, JsonResponse
            from django.template.loader import render_to_string
            from django.utils.translation import gettext as _

            if request.path_info.startswith("/api/"):  # the API's error shape (api.exceptions)
                message = _("The request carries a NUL character.")
                return JsonResponse({"code": "invalid", "message": message}, status=400)
            return HttpResponseBadRequest(render_to_string("400.html"))
        return self.get_response(request)


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


def _carries_nul(request) -> bool:
    if "\x00" in request.path_info:
        return True
    if _has_nul(_query_values(request.GET)):
        return True
    if _has_nul(request.COOKIES) or _has_nul(request.COOKIES.values()):
        return True
    if _has_nul(str(value) for name, value in request.META.items() if name.startswith("HTTP_")):
        return True
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        from django.core.exceptions import SuspiciousOperation
        from django.http import UnreadablePostError
        from django.http.multipartparser import MultiPartParserError

        try:
            fields, files = request.POST, request.FILES
        except (SuspiciousOperation, MultiPartParserError, UnreadablePostError):
            return False  # Django answers these itself (400) when the view reads the form
        if _has_nul(_query_values(fields)):
            return True
        return _has_nul(
            str(upload.name or "") for _, uploads in files.lists() for upload in uploads
        )
    return False


def _query_values(querydict):
    """Every key and every value of a QueryDict, repeated keys (`a=1&a=2`) included."""
    for key, values in querydict.lists():
        yield key
        yield from values


class PermissionsPolicyMiddleware:
    """Sends the Permissions-Policy header built from `settings.PERMISSIONS_POLICY`."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.setdefault("Permissions-Policy", self.header)
        return response


class SkipServerRequestLines(logging.Filter):
    """Drops the development server's own line per HTTP request (daphne's `runserver` logs
    "HTTP GET / 200 ..."): the request log above already has one, with more in it. Its
    WebSocket lines stay."""

    def filter(self, record):
        return "HTTP %(method)s" not in str(record.msg)


class AppErrorMiddleware:
    """Every view's `AppError` answered the same way, with its status and its message (which
    is safe to show): a toast for HTMX, JSON for API clients, an error page otherwise.
    `Busy` (a lock that timed out) is 503 "busy, try again" with a Retry-After. Views that
    show the error in their own form catch it first; anything else lands here, never as a
    500 or a hang."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .errors import AppError

        if not isinstance(exception, AppError):
            return None
        return app_error_response(request, exception)


def app_error_response(request, error):
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    from .errors import Busy
    from .htmx import htmx_error_toast

    logger.info(
        "application error %s: %s",
        error.code,
        error.message,
        extra={"request_id": getattr(request, "request_id", ""), "status": error.status},
    )
    if getattr(request, "htmx", False):
        response = htmx_error_toast(request, error.message, status=error.status)
    elif _wants_json(request):
        response = JsonResponse({"error": error.message, "code": error.code}, status=error.status)
    else:
        title = _("Busy right now") if isinstance(error, Busy) else _("This could not be done")
        response = render(
            request,
            "app_error.html",
            {"status": error.status, "title": title, "message": error.message},
            status=error.status,
        )
    if isinstance(error, Busy):
        response["Retry-After"] = "2"
    return response


def _wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return request.content_type == "application/json" or (
        "application/json" in accept and "text/html" not in accept
    )
