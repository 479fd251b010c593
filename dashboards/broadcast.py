"""Pushes order changes to everyone following the order. Services call it after commit
(directly, or through the shop's `order_status_changed` signal); a kind whose progress or
assignee changes calls `order_broadcast` after its commit too. It is the only place that
does `group_send` for orders: one rendered fragment per change, sent to every follower."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from shop.models import Order

from .live import order_group, order_update_event

logger = logging.getLogger("tessera.dashboards")


def order_broadcast(*, order_id: int) -> None:
    order = Order.objects.prefetch_related("lines").filter(pk=order_id).first()
    layer = get_channel_layer()
    if order is None or layer is None:
        return
    try:
        async_to_sync(layer.group_send)(order_group(order.number), order_update_event(order))
    except Exception:  # a channel-layer outage must not break the change that caused it
        logger.exception("order broadcast failed", extra={"order": order.number})


def on_order_status_changed(sender, order, **kwargs) -> None:
    order_broadcast(order_id=order.pk)
