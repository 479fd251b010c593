"""Per-user notification socket: toasts and live counters pushed to a signed-in user."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext_lazy as _

from .websocket import JsonFramesMixin


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


class NotificationConsumer(JsonFramesMixin, AsyncJsonWebsocketConsumer):
    receive_only = _("This socket is receive-only.")

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4003)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "user": user.display_name})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def notify(self, event):
        await self.send_json({"type": "notification", **event.get("data", {})})
