"""One structured log line per request, with its duration and user."""

import logging
import time
import uuid

logger = logging.getLogger("tessera.request")


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
            logger.info(
                "%s %s %s %sms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "request_id": request.request_id,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "htmx": bool(getattr(request, "htmx", False)),
                },
            )
        response["X-Request-ID"] = request.request_id
        return response
