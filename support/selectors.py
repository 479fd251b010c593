"""Reads of the support chat: room lists with unread counts, history, and the events a
socket sends for stored messages."""

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet

from project.accounts.roles import Role

from .models import Message, Room


def message_event(message: Message) -> dict:
    """The JSON a socket sends for a stored message, in the active language."""
    if message.kind == Message.Kind.SYSTEM:
        return {
            "type": "system",
            "message": message.display_text,
            "id": message.pk,
            "created": message.created.isoformat(),
        }
    return {
        "type": "chat_message",
        "message": message.text,
        "user": message.author_name,
        "id": message.pk,
        "created": message.created.isoformat(),
    }


def room_recent_messages(*, room_id: int, limit: int = 50) -> list[Message]:
    """The last `limit` messages, oldest first."""
    latest = (
        Message.objects.filter(room_id=room_id)
        .select_related("author")
        .order_by("-created", "-pk")[:limit]
    )
    return list(latest)[::-1]


def room_live_state(*, room_id: int) -> dict | None:
    """What a room page's header shows: who answers, and whether the room is open."""
    room = Room.objects.filter(pk=room_id).select_related("assigned_staff").first()
    if room is None:
        return None
    staff = room.assigned_staff
    return {"assigned_staff": staff.display_name if staff else None, "open": room.is_open}


def room_history_events(*, room_id: int, limit: int = 50) -> list[dict]:
    return [message_event(m) for m in room_recent_messages(room_id=room_id, limit=limit)]


def _with_unread_for_customer(rooms: QuerySet) -> QuerySet:
    from_support = Q(messages__kind=Message.Kind.CHAT) & ~Q(messages__author_id=F("customer_id"))
    unseen = Q(customer_seen_at__isnull=True) | Q(messages__created__gt=F("customer_seen_at"))
    return rooms.annotate(unread=Count("messages", filter=from_support & unseen))


def _with_unread_for_staff(rooms: QuerySet) -> QuerySet:
    from_customer = Q(messages__kind=Message.Kind.CHAT, messages__author_id=F("customer_id"))
    unseen = Q(staff_seen_at__isnull=True) | Q(messages__created__gt=F("staff_seen_at"))
    return rooms.annotate(unread=Count("messages", filter=from_customer & unseen))


def rooms_for_customer(*, user) -> QuerySet:
    return _with_unread_for_customer(
        Room.objects.filter(customer=user).select_related("assigned_staff", "order")
    ).order_by("status", F("last_message_at").desc(nulls_last=True), "-created", "-pk")


def order_open_room(*, order, customer) -> Room | None:
    """The customer's open conversation about `order`, if there is one (the oldest)."""
    return (
        Room.objects.filter(order=order, customer=customer, status=Room.Status.OPEN)
        .order_by("created", "pk")
        .first()
    )


def _queue_base() -> QuerySet:
    return Room.objects.filter(status=Room.Status.OPEN).select_related(
        "customer", "assigned_staff", "order"
    )


def queue_unassigned() -> QuerySet:
    """Open rooms nobody answers yet, longest waiting first."""
    return _with_unread_for_staff(_queue_base().filter(assigned_staff__isnull=True)).order_by(
        "created", "pk"
    )


def queue_assigned_to(*, user) -> QuerySet:
    return _with_unread_for_staff(_queue_base().filter(assigned_staff=user)).order_by(
        F("last_message_at").desc(nulls_last=True), "-pk"
    )


def queue_assigned_to_others(*, user) -> QuerySet:
    """For managers: open rooms other staff answer."""
    return _with_unread_for_staff(
        _queue_base().filter(assigned_staff__isnull=False).exclude(assigned_staff=user)
    ).order_by(F("last_message_at").desc(nulls_last=True), "-pk")


def staff_for_handoff() -> QuerySet:
    """People who may answer support conversations."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.STAFF, Role.MANAGER, Role.ADMIN])
        .distinct()
        .order_by("name", "email")
    )


def room_handoffs(*, room: Room) -> QuerySet:
    return room.handoffs.select_related("from_staff", "to_staff", "by")
