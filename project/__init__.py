"""Tessera's project package: settings, URLs, ASGI/WSGI entry points, the Celery app,
and the cross-cutting apps (accounts, organizations, core plumbing)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
