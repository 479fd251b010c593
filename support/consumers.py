"""Support sockets. The consumers orchestrate: who may join and every write is decided by
`support.services`, called through `database_sync_to_async`.

`/ws/support/<slug>/` protocol (JSON text frames):

- in: `{"message": "..."}` to post, `{"typing": true}` while typing.
- out: on connect the last 50 messages as `chat_message`/`system` events, oldest first, then
  `{"type": "mode", "mode": "writer"|"viewer"}`; after that `chat_message`, `system`,
  `typing`, `mode` and `error` events.
- Refusals: an anonymous handshake is refused (close 4003 before accept, like every
  Tessera socket). A signed-in user who may not join (another customer's room, a third
  writer) is accepted, gets `{"type": "error", "message": ...}` and is closed with 4003,
  so a client can show why.
- A socket that sends nothing for SUPPORT_IDLE_SECONDS gets
  `{"message": "Connection closed due to inactivity.", "user": "system"}` and is closed
  (1000). Channel-layer trouble closes with 1013, which browsers retry.

`/ws/support-queue/` (support staff; others are refused by the rule of
`project.accounts.access`: 4003 signed out or for another back-office role, 4404 for
customers) sends `{"type": "queue_changed"}` whenever the queue may have changed; the queue
page reloads its lists.
"""

import asyncio
import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from project.accounts.access import socket_access
from project.accounts.roles import Perm
from project.core.websocket import JsonFramesMixin

from . import services
from .broadcast import QUEUE_GROUP, room_group
from .models import Membership
from .selectors import room_history_events

logger = logging.getLogger("tessera.support")

CLOSE_REFUSED = 4003
CLOSE_TRY_AGAIN = 1013
IDLE_MESSAGE = {"message": "Connection closed due to inactivity.", "user": "system"}


class HtmlSafeJsonMixin:
    """Encode <, > and & as JSON escapes. The htmx ws extension parses every incoming frame
    as HTML to look for out-of-band swaps; with these escaped, a chat text can never be
    read as markup (`{"message": "<div id=...>"}` would otherwise replace page parts).
    The decoded JSON is unchanged."""

    @classmethod
    async def encode_json(cls, content):
        return (
            json.dumps(content)
            .replace("<", "\\u003c")
            .replace(">", "\\u003e")
            .replace("&", "\\u0026")
        )


class SupportConsumer(HtmlSafeJsonMixin, JsonFramesMixin, AsyncJsonWebsocketConsumer):
    participation: services.Participation | None = None
    group: str | None = None
    present = False
    _idle_task: asyncio.Task | None = None

    # --- life cycle ----------------------------------------------------------------------

    async def connect(self):
        if not await socket_access(self):
            return
        self.user = self.scope["user"]
        slug = self.scope["url_route"]["kwargs"]["slug"]
        try:
            self.participation = await database_sync_to_async(services.room_join)(
                slug=slug, user=self.user
            )
        except services.SupportRefused as refusal:
            await self.accept()
            await self.send_json({"type": "error", "message": str(refusal)})
            await self.close(code=CLOSE_REFUSED)
            return
        self.mode = self.participation.mode
        self.group = room_group(self.participation.room_id)
        try:
            await self.channel_layer.group_add(self.group, self.channel_name)
        except Exception:
            logger.warning("support socket could not join its group", exc_info=True)
            self.group = None
            await self.accept()
            await self.close(code=CLOSE_TRY_AGAIN)
            return
        await self.accept()
        # Joined the group before reading history: nothing falls between the two (a message
        # may arrive twice; clients skip ids they already show).
        for event in await database_sync_to_async(room_history_events)(
            room_id=self.participation.room_id, limit=services.HISTORY_SIZE
        ):
            await self.send_json(event)
        await self.send_json({"type": "mode", "mode": self.mode})
        if self.participation.side != "watcher":
            await database_sync_to_async(self._presence_enter_and_mark_seen)()
            self.present = True
        self._idle_reset()

    async def disconnect(self, code):
        if self._idle_task is not None:
            self._idle_task.cancel()
        if self.participation is None:
            return
        if self.present:
            await database_sync_to_async(self._presence_leave_and_mark_seen)()
        if self.group is not None:
            try:
                await self.channel_layer.group_discard(self.group, self.channel_name)
            except Exception:
                logger.warning("support socket could not leave its group", exc_info=True)

    def _presence_enter_and_mark_seen(self):
        room_id = self.participation.room_id
        services.presence_enter(
            room_id=room_id, user_id=self.user.pk, channel_name=self.channel_name
        )
        services.room_mark_seen(room_id=room_id, user=self.user)

    def _presence_leave_and_mark_seen(self):
        room_id = self.participation.room_id
        services.presence_leave(
            room_id=room_id, user_id=self.user.pk, channel_name=self.channel_name
        )
        services.room_mark_seen(room_id=room_id, user=self.user)

    # --- inactivity ----------------------------------------------------------------------

    def _idle_reset(self):
        if self._idle_task is not None:
            self._idle_task.cancel()
        self._idle_task = asyncio.ensure_future(self._idle_close())

    async def _idle_close(self):
        await asyncio.sleep(settings.SUPPORT_IDLE_SECONDS)
        await self.send_json(IDLE_MESSAGE)
        await self.close(code=1000)

    # --- from the client -----------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        self._idle_reset()  # any frame, even a bad one, shows the client is there
        await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)

    async def receive_json(self, content, **kwargs):
        if "typing" in content and "message" not in content:
            await self._typing(bool(content.get("typing")))
            return
        text = content.get("message")
        if not isinstance(text, str):
            await self._error('Send JSON like {"message": "Hello"}: "message" must be text.')
            return
        if self.mode != Membership.Mode.WRITER:
            await self._error("You are viewing this conversation and cannot send messages.")
            return
        try:
            await database_sync_to_async(self._post)(text)
        except services.SupportError as exc:
            await self._error(str(exc))

    def _post(self, text):
        room_id = self.participation.room_id
        services.message_post(room_id=room_id, author=self.user, text=text)
        # Sending proves the socket is alive: refresh the presence entry.
        services.presence_enter(
            room_id=room_id, user_id=self.user.pk, channel_name=self.channel_name
        )

    async def _typing(self, typing: bool):
        if self.mode != Membership.Mode.WRITER or not typing:
            return
        try:
            await self.channel_layer.group_send(
                self.group,
                {
                    "type": "support.typing",
                    "user": self.user.display_name,
                    "sender": self.channel_name,
                },
            )
        except Exception:
            logger.warning("support typing broadcast failed", exc_info=True)
            await self.close(code=CLOSE_TRY_AGAIN)

    async def _error(self, message: str):
        await self.send_json({"type": "error", "message": message})

    # --- from the channel layer ----------------------------------------------------------

    async def support_event(self, event):
        await self.send_json(event["payload"])

    async def support_typing(self, event):
        if event["sender"] != self.channel_name:
            await self.send_json({"type": "typing", "user": event["user"]})

    async def support_handoff(self, event):
        if self.user.pk == event["from_user_id"] and self.mode == Membership.Mode.WRITER:
            self.mode = Membership.Mode.VIEWER
            self.participation = services.Participation(
                self.participation.room_id, self.participation.slug, self.mode, "watcher"
            )
            await self.send_json(
                {
                    "type": "system",
                    "message": f"{event['to_name']} now answers this conversation. "
                    "You can still read it, but no longer write.",
                }
            )
            await self.send_json({"type": "mode", "mode": self.mode})
        elif self.user.pk == event["to_user_id"] and self.mode != Membership.Mode.WRITER:
            self.mode = Membership.Mode.WRITER
            self.participation = services.Participation(
                self.participation.room_id, self.participation.slug, self.mode, "staff"
            )
            await self.send_json({"type": "mode", "mode": self.mode})

    async def support_closed(self, event):
        if self.mode != Membership.Mode.VIEWER:
            self.mode = Membership.Mode.VIEWER
            await self.send_json({"type": "mode", "mode": self.mode})


class SupportQueueConsumer(HtmlSafeJsonMixin, JsonFramesMixin, AsyncJsonWebsocketConsumer):
    """Tells staff queue pages to reload whenever a room changes."""

    receive_only = "This socket is receive-only."
    joined = False

    async def connect(self):
        if not await socket_access(self, Perm.SUPPORT_ANSWER):
            return
        try:
            await self.channel_layer.group_add(QUEUE_GROUP, self.channel_name)
        except Exception:
            logger.warning("support queue socket could not join its group", exc_info=True)
            await self.accept()
            await self.close(code=CLOSE_TRY_AGAIN)
            return
        self.joined = True
        await self.accept()
        # A (re)connected page reloads once: it may have missed changes while away.
        await self.send_json({"type": "queue_changed"})

    async def disconnect(self, code):
        if self.joined:
            try:
                await self.channel_layer.group_discard(QUEUE_GROUP, self.channel_name)
            except Exception:
                logger.warning("support queue socket could not leave its group", exc_info=True)

    async def support_queue_changed(self, event):
        await self.send_json({"type": "queue_changed"})
