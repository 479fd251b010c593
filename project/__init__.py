"""Tessera's project package: settings, URLs, ASGI/WSGI entry points, the Celery app,
and the cross-cutting apps (accounts, organizations, core plumbing).

The Celery app is imported on first use (`project.celery_app`, or the outbox publishing a
task), not with the package: a WSGI worker that never sends a task never pays for it."""

__all__ = ("celery_app",)


def __getattr__(name: str):
    if name == "celery_app":
        from .celery import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
