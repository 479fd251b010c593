"""Landing page, health check, metrics and the development outbox."""

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import detail_allowed, run_checks
from .htmx import htmx_error_toast
from .models import DevEmail
from .parts import PARTS


def landing(request):
    return render(request, "core/landing.html", {"parts": PARTS.values()})


@never_cache
@require_GET
def healthz(request):
    checks = run_checks()
    failing = [name for name, result in checks.items() if result != "ok"]
    if not detail_allowed(request):
        # Error text names hosts, ports and library internals: only for monitoring.
        checks = {name: "ok" if result == "ok" else "failed" for name, result in checks.items()}
    body = {"status": "ok" if not failing else "error", "checks": checks}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


def _metrics_allowed(request) -> bool:
    # The connecting peer, never X-Forwarded-For: a scraper reaches the process directly.
    if request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_IPS:
        return True
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


@never_cache
@require_GET
def metrics(request):
    """Prometheus metrics for a scraper with the METRICS_TOKEN bearer token or from an
    address in METRICS_ALLOWED_IPS; nginx does not forward /metrics at all."""
    if not _metrics_allowed(request):
        response = HttpResponse("Metrics need a token.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)


def _require_dev_outbox():
    if not settings.DEV_OUTBOX_ENABLED:
        raise Http404("The development outbox is disabled.")


def dev_outbox(request):
    _require_dev_outbox()
    emails = DevEmail.objects.all()[:100]
    return render(request, "core/dev_outbox.html", {"emails": emails})


def dev_outbox_detail(request, pk: int):
    _require_dev_outbox()
    email = get_object_or_404(DevEmail, pk=pk)
    return render(request, "core/dev_outbox_detail.html", {"email": email})


def ratelimited(request, exception=None):
    """django-ratelimit's view for requests over a limit: a clear 429 page, or a toast for
    HTMX requests."""
    if getattr(request, "htmx", False):
        response = htmx_error_toast(
            request, "Too many requests. Please wait a minute and try again.", status=429
        )
    else:
        response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response
