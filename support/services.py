"""Writes of the support chat: opening and joining rooms, posting messages, assigning,
handing off and closing rooms, presence and the per-user rate limit.

Sockets are not known here: everything that must reach clients is announced after commit
through `support.broadcast`. Functions raise `SupportError` with a message meant for the
person who tried; the consumer and the views show it as is.
"""

import logging
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from project.accounts.roles import Perm
from project.core.audit import audit_log
from project.core.mail import email_message, in_recipient_language
from project.core.outbox import outbox_enqueue, outbox_handler
from project.core.rate_limits import rate_limit_hit

from . import broadcast
from .models import HandOff, Membership, Message, Room
from .selectors import message_event, order_open_room

logger = logging.getLogger("tessera.support")

HISTORY_SIZE = 50
SLUG_MAX_LENGTH = Room._meta.get_field("slug").max_length
# Page paths under /support/ that a room slug would shadow.
RESERVED_SLUGS = {"queue", "order"}


class SupportError(Exception):
    """Something the person asked for is not allowed; the text says why."""


class SupportRefused(SupportError):
    """The person may not take part in this room at all."""


# --- who is who --------------------------------------------------------------------------


def is_support_staff(user) -> bool:
    """Takes and answers rooms (staff, managers, admins: the roles' permission)."""
    return user.is_authenticated and user.has_perm(Perm.SUPPORT_ANSWER)


def can_hand_off(user) -> bool:
    """Managers (and admins) hand rooms over and may watch any room."""
    return user.is_authenticated and user.has_perm(Perm.SUPPORT_SUPERVISE)


@dataclass(frozen=True)
class Participation:
    room_id: int
    slug: str
    mode: str  # Membership.Mode
    side: str  # "customer", "staff" or "watcher"
    created: bool = False


# --- rooms -------------------------------------------------------------------------------


def _new_slug() -> str:
    return secrets.token_urlsafe(9).replace("_", "x").replace("-", "y").lower()


def _room_create(*, customer, slug: str, subject: str = "", order=None) -> Room:
    room = Room.objects.create(slug=slug, customer=customer, subject=subject, order=order)
    Membership.objects.create(room=room, user=customer, mode=Membership.Mode.WRITER)
    transaction.on_commit(broadcast.queue_changed)
    return room


@transaction.atomic
def room_open(*, customer, subject: str = "", order=None) -> Room:
    """Open a new room for `customer`, optionally about one of their orders."""
    if order is not None and order.user_id != customer.pk:
        raise SupportError("That order is not yours.")
    return _room_create(customer=customer, slug=_new_slug(), subject=subject.strip(), order=order)


@transaction.atomic
def room_for_order(*, order, customer) -> Room:
    """The customer's open room about `order`, created on first use."""
    if order.user_id != customer.pk:
        raise SupportError("That order is not yours.")
    room = order_open_room(order=order, customer=customer)
    if room is None:
        room = _room_create(
            customer=customer, slug=_new_slug(), subject=f"Order {order.number}", order=order
        )
    return room


def _system_message(*, room: Room, text: str) -> Message:
    message = Message.objects.create(room=room, kind=Message.Kind.SYSTEM, text=text)
    payload = message_event(message)
    transaction.on_commit(lambda: broadcast.room_event(room_id=room.pk, payload=payload))
    return message


def _membership_set(*, room: Room, user, mode: str) -> Membership:
    now = timezone.now()
    Membership.objects.filter(room=room, user=user, ended__isnull=True).update(ended=now)
    return Membership.objects.create(room=room, user=user, mode=mode)


def _assign(*, room: Room, staff) -> None:
    _membership_set(room=room, user=staff, mode=Membership.Mode.WRITER)
    room.assigned_staff = staff
    room.staff_seen_at = timezone.now()
    room.save(update_fields=["assigned_staff", "staff_seen_at", "updated"])
    _system_message(room=room, text=f"{staff.display_name} joined the conversation.")
    transaction.on_commit(broadcast.queue_changed)


@transaction.atomic
def room_join(*, slug: str, user) -> Participation:
    """Decide how `user` takes part in the room `slug`. Locks the room row.

    A customer connecting to a slug nobody uses creates the room, at most
    SUPPORT_ROOM_CREATE_LIMIT in SUPPORT_ROOM_CREATE_SECONDS. Staff become the assigned
    writer of a room that has none; managers watch the others; anyone else is refused with
    `SupportRefused`.
    """
    if len(slug) > SLUG_MAX_LENGTH:
        raise SupportRefused(f"Room names are at most {SLUG_MAX_LENGTH} characters.")
    if slug.lower() in RESERVED_SLUGS:
        raise SupportRefused(f"“{slug}” cannot be a room name; choose another.")
    room = Room.objects.select_for_update().filter(slug=slug).first()
    if room is None:
        if is_support_staff(user):
            raise SupportRefused("This conversation does not exist.")
        if room_create_rate_exceeded(user_id=user.pk):
            raise SupportRefused(
                "You are opening new conversations too fast. Continue one of your "
                "conversations, or wait a while and try again."
            )
        try:
            with transaction.atomic():
                room = _room_create(customer=user, slug=slug)
            return Participation(room.pk, room.slug, Membership.Mode.WRITER, "customer", True)
        except IntegrityError:
            # Someone created the same slug a moment ago: judge against their room.
            room = Room.objects.select_for_update().get(slug=slug)

    writer = Membership.Mode.WRITER if room.is_open else Membership.Mode.VIEWER
    viewer = Membership.Mode.VIEWER
    if room.customer_id == user.pk:
        return Participation(room.pk, room.slug, writer, "customer")
    if not is_support_staff(user):
        raise SupportRefused("This conversation belongs to another customer.")
    if room.assigned_staff_id == user.pk:
        return Participation(room.pk, room.slug, writer, "staff")
    if Membership.objects.filter(room=room, user=user, ended__isnull=True, mode=viewer).exists():
        return Participation(room.pk, room.slug, viewer, "watcher")
    if room.assigned_staff_id is None and room.is_open:
        _assign(room=room, staff=user)
        return Participation(room.pk, room.slug, writer, "staff")
    if can_hand_off(user) or not room.is_open:
        return Participation(room.pk, room.slug, viewer, "watcher")
    raise SupportRefused(
        f"{room.assigned_staff.display_name} is already answering this customer: a room has "
        "two writers at most, the customer and one staff member."
    )


@transaction.atomic
def room_assign(*, room: Room, staff) -> Room:
    """Staff take a room from the queue. Locks the room row."""
    room = Room.objects.select_for_update().get(pk=room.pk)
    if not is_support_staff(staff):
        raise SupportError("Only staff answer support conversations.")
    if not room.is_open:
        raise SupportError("This conversation is closed.")
    if room.customer_id == staff.pk:
        raise SupportError("You cannot answer your own conversation.")
    if room.assigned_staff_id == staff.pk:
        return room
    if room.assigned_staff_id is not None:
        raise SupportError(f"{room.assigned_staff.display_name} already took this conversation.")
    _assign(room=room, staff=staff)
    return room


@transaction.atomic
def room_handoff(*, room: Room, to_staff, by) -> HandOff:
    """A manager gives the room to `to_staff`; the previous staff member keeps read-only
    access. Records a HandOff, announces it as a system message. Locks the room row."""
    room = (
        Room.objects.select_for_update(of=("self",))
        .select_related("assigned_staff")
        .get(pk=room.pk)
    )
    if not can_hand_off(by):
        raise SupportError("Only managers hand conversations over.")
    if not room.is_open:
        raise SupportError("This conversation is closed.")
    if not to_staff.is_active or not is_support_staff(to_staff):
        raise SupportError("Choose a staff member.")
    if to_staff.pk == room.customer_id:
        raise SupportError("The customer cannot answer their own conversation.")
    if to_staff.pk == room.assigned_staff_id:
        raise SupportError(f"{to_staff.display_name} is already answering this conversation.")

    from_staff = room.assigned_staff
    if from_staff is not None:
        _membership_set(room=room, user=from_staff, mode=Membership.Mode.VIEWER)
    _membership_set(room=room, user=to_staff, mode=Membership.Mode.WRITER)
    room.assigned_staff = to_staff
    room.staff_seen_at = None
    room.save(update_fields=["assigned_staff", "staff_seen_at", "updated"])
    handoff = HandOff.objects.create(room=room, from_staff=from_staff, to_staff=to_staff, by=by)
    audit_log(
        actor=by,
        action="room.handoff",
        obj=room,
        data={"from": from_staff and from_staff.pk, "to": to_staff.pk},
    )
    if from_staff is not None:
        text = (
            f"{by.display_name} handed the conversation from {from_staff.display_name} "
            f"to {to_staff.display_name}."
        )
    else:
        text = f"{by.display_name} assigned the conversation to {to_staff.display_name}."
    _system_message(room=room, text=text)
    from_id, to_id, to_name = (
        (from_staff.pk if from_staff else None),
        to_staff.pk,
        (to_staff.display_name),
    )
    transaction.on_commit(
        lambda: broadcast.room_handoff(
            room_id=room.pk, from_user_id=from_id, to_user_id=to_id, to_name=to_name
        )
    )
    transaction.on_commit(broadcast.queue_changed)
    return handoff


@transaction.atomic
def room_close(*, room: Room, by) -> Room:
    """Close the room: everyone connected becomes a viewer. Locks the room row."""
    room = Room.objects.select_for_update().get(pk=room.pk)
    allowed = by.pk in (room.customer_id, room.assigned_staff_id) or can_hand_off(by)
    if not allowed:
        raise SupportError("You cannot close this conversation.")
    if not room.is_open:
        return room
    room.status = Room.Status.CLOSED
    room.save(update_fields=["status", "updated"])
    Membership.objects.filter(room=room, ended__isnull=True).update(ended=timezone.now())
    _system_message(room=room, text=f"{by.display_name} closed the conversation.")
    transaction.on_commit(lambda: broadcast.room_closed(room_id=room.pk))
    transaction.on_commit(broadcast.queue_changed)
    return room


def room_mark_seen(*, room_id: int, user) -> None:
    """Everything in the room so far counts as read by `user`'s side."""
    now = timezone.now()
    room = Room.objects.filter(pk=room_id).values("customer_id", "assigned_staff_id").first()
    if room is None:
        return
    if room["customer_id"] == user.pk:
        Room.objects.filter(pk=room_id).update(customer_seen_at=now)
    elif room["assigned_staff_id"] == user.pk:
        Room.objects.filter(pk=room_id).update(staff_seen_at=now)
        transaction.on_commit(broadcast.queue_changed)


# --- messages ----------------------------------------------------------------------------


def message_post(*, room_id: int, author, text) -> Message:
    """Store a chat message from one of the room's two writers and announce it.

    Checks the length and the author's rate limit first; locks the room row so the
    missed-reply e-mail goes out at most once per SUPPORT_MISSED_REPLY_MINUTES.
    """
    if not isinstance(text, str):
        raise SupportError('Send JSON like {"message": "Hello"}.')
    text = text.strip()
    if not text:
        raise SupportError("Type a message first.")
    limit = settings.SUPPORT_MESSAGE_MAX_LENGTH
    if len(text) > limit:
        raise SupportError(f"Messages are at most {limit} characters (this one has {len(text)}).")
    if rate_limit_exceeded(user_id=author.pk):
        raise SupportError("You are sending messages too fast. Wait a few seconds and try again.")

    with transaction.atomic():
        room = (
            Room.objects.select_for_update(of=("self",)).select_related("customer").get(pk=room_id)
        )
        if not room.is_open:
            raise SupportError("This conversation is closed.")
        if author.pk not in (room.customer_id, room.assigned_staff_id):
            raise SupportError("You are viewing this conversation and cannot send messages.")
        message = Message.objects.create(room=room, author=author, text=text)
        now = message.created
        room.last_message_at = now
        fields = ["last_message_at", "updated"]
        if author.pk == room.customer_id:
            room.customer_seen_at = now
            fields.append("customer_seen_at")
            if room.assigned_staff_id and user_is_present(
                room_id=room.pk, user_id=room.assigned_staff_id
            ):
                room.staff_seen_at = now
                fields.append("staff_seen_at")
        else:
            room.staff_seen_at = now
            fields.append("staff_seen_at")
            if user_is_present(room_id=room.pk, user_id=room.customer_id):
                room.customer_seen_at = now
                fields.append("customer_seen_at")
            else:
                fields += _missed_reply_enqueue(room=room, now=now)
        room.save(update_fields=fields)
        payload = message_event(message)
        transaction.on_commit(lambda: broadcast.room_event(room_id=room_id, payload=payload))
        transaction.on_commit(broadcast.queue_changed)
    return message


MISSED_REPLY_EMAIL = "support_missed_reply_email"


def _missed_reply_enqueue(*, room: Room, now) -> list[str]:
    """E-mail the customer the recent messages, at most once per room every N minutes.
    The outbox row names the room and the time; the e-mail is rendered when it is sent."""
    window = timedelta(minutes=settings.SUPPORT_MISSED_REPLY_MINUTES)
    if room.missed_reply_emailed_at and room.missed_reply_emailed_at > now - window:
        return []
    room.missed_reply_emailed_at = now
    outbox_enqueue(kind=MISSED_REPLY_EMAIL, payload={"room": room.pk, "until": now.isoformat()})
    return ["missed_reply_emailed_at"]


@outbox_handler(MISSED_REPLY_EMAIL)
def _missed_reply_deliver(payload: dict) -> None:
    room = Room.objects.select_related("customer").get(pk=payload["room"])
    recent = list(
        room.messages.filter(kind=Message.Kind.CHAT, created__lte=payload["until"])
        .select_related("author")
        .order_by("-created", "-pk")[:10]
    )[::-1]
    context = {
        "room": room,
        "messages": recent,
        "room_url": settings.SITE_URL + room.get_absolute_url(),
    }
    with in_recipient_language(user=room.customer):
        email = email_message(
            subject=_("New reply from Tessera support"),
            body=render_to_string("support/email/missed_reply.txt", context),
            to=[room.customer.email],
        )
        email.attach_alternative(
            render_to_string("support/email/missed_reply.html", context), "text/html"
        )
    email.send()


# --- presence (in the cache, shared by every process with Redis) and rate limits ---------

_local_lock = threading.Lock()


def _redis():
    if not settings.CACHES["default"]["BACKEND"].startswith("django_redis"):
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


class _ScoredSet:
    """A set of members with scores: a Redis sorted set, or a dict in the local cache."""

    def __init__(self, key: str, ttl: int):
        self.key, self.ttl = key, ttl

    def update(self, *, add: dict | None = None, remove=(), drop_below=None) -> int:
        """Apply changes and return how many members remain."""
        client = _redis()
        # While Redis fails, the cache answers from process memory: count there too.
        if client is not None and not getattr(cache.client, "degraded", False):
            key = cache.make_key(self.key)
            pipe = client.pipeline()
            if drop_below is not None:
                pipe.zremrangebyscore(key, "-inf", f"({drop_below}")
            if remove:
                pipe.zrem(key, *remove)
            if add:
                pipe.zadd(key, add)
            pipe.zcard(key)
            pipe.expire(key, self.ttl)
            try:
                return pipe.execute()[-2]
            except Exception:
                logger.warning("support: redis failed, counting in process memory", exc_info=True)
        with _local_lock:
            members = cache.get(self.key) or {}
            if drop_below is not None:
                members = {m: s for m, s in members.items() if s >= drop_below}
            for member in remove:
                members.pop(member, None)
            members.update(add or {})
            cache.set(self.key, members, self.ttl)
            return len(members)


def rate_limit_exceeded(*, user_id: int) -> bool:
    """Count one message; True when the user sent more than SUPPORT_RATE_LIMIT in the last
    SUPPORT_RATE_LIMIT_SECONDS (project/core/rate_limits.py, shared by every process)."""
    return not rate_limit_hit(
        scope="support:message",
        key=user_id,
        limit=settings.SUPPORT_RATE_LIMIT,
        seconds=settings.SUPPORT_RATE_LIMIT_SECONDS,
    )


def room_create_rate_exceeded(*, user_id: int) -> bool:
    """Count one room created by slug; True beyond SUPPORT_ROOM_CREATE_LIMIT in the last
    SUPPORT_ROOM_CREATE_SECONDS."""
    return not rate_limit_hit(
        scope="support:room",
        key=user_id,
        limit=settings.SUPPORT_ROOM_CREATE_LIMIT,
        seconds=settings.SUPPORT_ROOM_CREATE_SECONDS,
    )


def _presence(room_id: int, user_id: int) -> _ScoredSet:
    # A live socket refreshes its entry at least every SUPPORT_IDLE_SECONDS (or it is
    # closed for inactivity), so an entry left by a crashed process expires on its own.
    return _ScoredSet(
        f"support:presence:{room_id}:{user_id}", ttl=settings.SUPPORT_IDLE_SECONDS + 60
    )


def presence_enter(*, room_id: int, user_id: int, channel_name: str) -> None:
    expires = time.time() + settings.SUPPORT_IDLE_SECONDS + 30
    try:
        _presence(room_id, user_id).update(add={channel_name: expires}, drop_below=time.time())
    except Exception:
        logger.warning("support presence unavailable", exc_info=True)


def presence_leave(*, room_id: int, user_id: int, channel_name: str) -> None:
    try:
        _presence(room_id, user_id).update(remove=[channel_name], drop_below=time.time())
    except Exception:
        logger.warning("support presence unavailable", exc_info=True)


def user_is_present(*, room_id: int, user_id: int) -> bool:
    try:
        return _presence(room_id, user_id).update(drop_below=time.time()) > 0
    except Exception:
        logger.warning("support presence unavailable", exc_info=True)
        return False
