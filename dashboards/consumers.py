"""`/ws/orders/<order_number>/`: the panel's HTML fragment on connect, then after every
committed change (see dashboards.live.order_fragment), in the language the handshake asks
for."""

from functools import cached_property

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from project.accounts.access import SOCKET_CLOSE_NOT_FOUND, socket_access
from project.core.websocket import JsonFramesMixin, scope_language
from shop.models import Order
from shop.services.orders import order_expire_overdue, order_is_overdue

from .live import order_can_follow, order_fragment, order_group


@database_sync_to_async
def _authorized_snapshot(user, number, language):
    order = Order.objects.filter(number=number).first()
    if order is None or not order_can_follow(user=user, order=order):
        return None
    if order_is_overdue(order):
        # Past its pay-by time the order is expired, whether or not the sweep has run.
        order_expire_overdue(pks=[order.pk])
        order.refresh_from_db()
    return order_fragment(order, language=language)


@database_sync_to_async
def _fragment(order_id, language):
    order = Order.objects.prefetch_related("lines").filter(pk=order_id).first()
    return None if order is None else order_fragment(order, language=language)


class OrderConsumer(JsonFramesMixin, AsyncJsonWebsocketConsumer):
    # Whatever arrives (JSON, text or bytes) gets the same JSON error; nothing is parsed.
    receive_only = "This socket only sends updates."

    @cached_property
    def language(self) -> str:
        return scope_language(self.scope)

    async def connect(self):
        if not await socket_access(self):
            return
        number = self.scope["url_route"]["kwargs"]["number"]
        snapshot = await _authorized_snapshot(self.scope["user"], number, self.language)
        if snapshot is None:
            # Unknown order and someone else's order look the same.
            await self.close(code=SOCKET_CLOSE_NOT_FOUND)
            return
        self.group = order_group(number)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send(text_data=snapshot)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def order_update(self, event):
        # The broadcast rendered the fragment once, in the site's language.
        html = event["html"]
        if event["language"] != self.language:
            html = await _fragment(event["order_id"], self.language)
        if html is not None:
            await self.send(text_data=html)
