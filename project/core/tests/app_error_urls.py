"""The site's URLs plus views that raise an `AppError`, for the middleware tests."""

from django.urls import path

from project.core.errors import AppError, Busy
from project.urls import urlpatterns as site_urlpatterns


def refused(request):
    raise AppError("This voucher has expired.", code="voucher_expired", status=409)


def busy(request):
    raise Busy()


def broken(request):
    raise RuntimeError("not an application error")


urlpatterns = [
    path("test/refused/", refused),
    path("test/busy/", busy),
    path("test/broken/", broken),
    *site_urlpatterns,
]
