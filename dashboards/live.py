"""The live order panel's data: who may follow an order, and the snapshot they are sent.

Kept apart from the consumer so views (first render) and the socket show the same thing.
"""

from project.accounts.roles import Perm
from shop.models import Order

# Shop orders have no work-in-progress of their own; their progress follows the status.
STATUS_PROGRESS = {
    Order.Status.NEW: 0,
    Order.Status.PENDING_PAYMENT: 10,
    Order.Status.PAID: 40,
    Order.Status.SHIPPED: 75,
    Order.Status.COMPLETED: 100,
    Order.Status.CANCELED: 0,
    Order.Status.REFUNDED: 0,
}

# Who may follow any order: the roles that see every order (staff, managers, admins).
WATCHER_PERMISSION = Perm.ORDERS_VIEW


def order_group(number: str) -> str:
    return f"order.{number}"


def order_can_follow(*, user, order: Order) -> bool:
    if not user.is_authenticated:
        return False
    return order.user_id == user.pk or user.has_perm(WATCHER_PERMISSION)


def order_snapshot(order: Order) -> dict:
    return {
        "type": "order",
        "number": order.number,
        "status": order.status,
        "status_label": order.get_status_display(),
        "progress": STATUS_PROGRESS.get(order.status, 0),
        "total": str(order.total),
        "refunded_total": str(order.refunded_total),
        "currency": order.currency,
        "assignee": None,
    }
