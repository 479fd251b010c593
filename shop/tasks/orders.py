"""Cart hold and order expiry tasks (run every minute by Celery beat). They only tidy up:
the pages and services settle expiry themselves when they read it
(`shop.services.cart.reservations_expire_due`), so nothing depends on beat."""

from celery import shared_task

__all__ = ["hold_expire_overdue", "order_expire_overdue"]


@shared_task(name="shop.tasks.hold_expire_overdue")
def hold_expire_overdue() -> int:
    from shop.services.cart import hold_expire_overdue as expire

    return expire()


@shared_task(name="shop.tasks.order_expire_overdue")
def order_expire_overdue() -> int:
    from shop.services.orders import order_expire_overdue as expire

    return expire()
