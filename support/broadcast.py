"""The only place support code talks to the channel layer from synchronous code.

Services call these functions through `transaction.on_commit`, so a socket never hears of
something that was rolled back. A channel-layer failure is logged and swallowed: the data is
stored, and clients see it in the history when they reconnect.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from .selectors import room_live_state

logger = logging.getLogger("tessera.support")

QUEUE_GROUP = "support.queue"


def room_group(room_id: int) -> str:
    return f"support.room.{room_id}"


def _group_send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        logger.exception("support broadcast failed", extra={"group": group})


def room_event(*, room_id: int, payload: dict, system: dict | None = None) -> None:
    """A chat or system event every socket in the room forwards as is.

    System events mark the changes a room's header shows (a staff member joined, a hand-off,
    closing), so they carry the room's state as it is after the change: every open page's
    header follows, whoever it belongs to."""
    if payload.get("type") == "system":
        try:
            payload = {**payload, "room": room_live_state(room_id=room_id)}
        except Exception:  # the message still goes out; headers catch up on reload
            logger.exception("support room state unavailable", extra={"room": room_id})
    event = {"type": "support.event", "payload": payload}
    if system is not None:
        # A system message's key and values: each socket writes it in its own language.
        event["system"] = system
    _group_send(room_group(room_id), event)


def room_handoff(*, room_id: int, from_user_id: int | None, to_user_id: int, to_name: str):
    """Sockets of the replaced staff member turn read-only; the new one's turn writer."""
    _group_send(
        room_group(room_id),
        {
            "type": "support.handoff",
            "from_user_id": from_user_id,
            "to_user_id": to_user_id,
            "to_name": to_name,
        },
    )


def room_closed(*, room_id: int) -> None:
    _group_send(room_group(room_id), {"type": "support.closed"})


def queue_changed() -> None:
    """Staff queue pages reload their lists."""
    _group_send(QUEUE_GROUP, {"type": "support.queue_changed"})
