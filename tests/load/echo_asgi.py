"""The WebSocket ceiling for bench/scale_ws.py: a bare Channels consumer on the same
channel layer and the same URL as the live order panel, with none of its work (no
authentication, no origin check, no database): it joins the order's group, greets with
`{"type": "order"}` and forwards every group message as it comes.

    daphne tests.load.echo_asgi:application
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.production")
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from dashboards.live import order_group  # noqa: E402


class EchoConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.group = order_group(self.scope["url_route"]["kwargs"]["number"])
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send(text_data='<div id="order-progress"></div>')

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def order_update(self, event):
        await self.send(text_data=event["html"])


application = ProtocolTypeRouter(
    {"websocket": URLRouter([path("ws/orders/<str:number>/", EchoConsumer.as_asgi())])}
)
