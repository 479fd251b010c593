from celery import shared_task

from . import outbox


@shared_task(name="project.core.tasks.outbox_deliver")
def outbox_deliver(message_pk: int) -> bool:
    return outbox.outbox_deliver(message_pk=message_pk)


@shared_task(name="project.core.tasks.outbox_redeliver_stuck")
def outbox_redeliver_stuck() -> int:
    return outbox.outbox_redeliver_stuck()
