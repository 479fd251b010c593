"""The HTTP ceiling for bench/scale_http.py: production settings and the whole middleware
stack, with one bare view at `/` (no template, no query). Serve it with gunicorn:

    DJANGO_SETTINGS_MODULE=tests.load.ceiling gunicorn project.wsgi:application
"""

from django.http import HttpResponse
from django.urls import path

from project.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.load.ceiling"


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", bare)]
