"""Periodic work for events. Tasks call services and take primary keys."""

from celery import shared_task

__all__ = ["events_finish_overdue_task"]


@shared_task(name="events.finish_overdue")
def events_finish_overdue_task() -> int:
    """Mark published events that have ended as finished (sales are closed already)."""
    from .services.events import events_finish_overdue

    return events_finish_overdue()
