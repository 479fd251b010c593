"""Support rooms, their messages, who may write or only watch, and the hand-off history.

A room has at most two writers: its customer and the assigned staff member. Everyone else
who may look (a replaced staff member, a manager) is a viewer. Writes go through
`support.services`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# System messages are stored as a key and values, and written out in the language of the
# person reading them (the page's, the socket's): `Message.display_text`.
SYSTEM_TEXTS = {
    "joined": _("{staff} joined the conversation."),
    "handed": _("{by} handed the conversation from {from_staff} to {to_staff}."),
    "assigned": _("{by} assigned the conversation to {to_staff}."),
    "closed": _("{by} closed the conversation."),
}


def system_text(key: str, values: dict) -> str:
    """A system message in the active language."""
    return gettext(SYSTEM_TEXTS[key]).format(**values)


class Room(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("conversation", "Open")
        CLOSED = "closed", pgettext_lazy("conversation", "Closed")

    slug = models.SlugField(max_length=80, unique=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_rooms"
    )
    assigned_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_support_rooms",
    )
    order = models.ForeignKey(
        "shop.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_rooms",
    )
    subject = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # What each side has seen: messages from the other side after these are unread.
    customer_seen_at = models.DateTimeField(null=True, blank=True)
    staff_seen_at = models.DateTimeField(null=True, blank=True)
    # At most one missed-reply e-mail per SUPPORT_MISSED_REPLY_MINUTES.
    missed_reply_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-created", "-pk"]

    def __str__(self):
        return self.subject or self.slug

    def get_absolute_url(self):
        return reverse("support:room", kwargs={"slug": self.slug})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Message(models.Model):
    class Kind(models.TextChoices):
        CHAT = "chat", _("Chat")
        SYSTEM = "system", _("System")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    # Empty for system messages.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_messages",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHAT)
    text = models.TextField()
    # A system message's key in SYSTEM_TEXTS and its values; `text` keeps the English.
    system = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created", "pk"]
        indexes = [models.Index(fields=["room", "created"], name="support_msg_room_created")]

    def __str__(self):
        return self.text[:60]

    @property
    def author_name(self) -> str:
        if self.kind == self.Kind.SYSTEM or self.author is None:
            return "system"
        return self.author.display_name

    @property
    def display_text(self) -> str:
        """The text in the active language (system messages are translated)."""
        if self.kind == self.Kind.SYSTEM and self.system.get("key") in SYSTEM_TEXTS:
            return system_text(self.system["key"], self.system.get("values", {}))
        return self.text


class Membership(models.Model):
    """Who takes part in a room and how. A row with `ended` set is history."""

    class Mode(models.TextChoices):
        WRITER = "writer", _("Writer")
        VIEWER = "viewer", _("Viewer")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_memberships"
    )
    mode = models.CharField(max_length=10, choices=Mode.choices)
    created = models.DateTimeField(auto_now_add=True)
    ended = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "user"],
                condition=Q(ended__isnull=True),
                name="support_one_active_membership",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.mode} in {self.room}"


class HandOff(models.Model):
    """A manager gave the room to another staff member; the previous one became a viewer."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="handoffs")
    from_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("hand-off")

    def __str__(self):
        return f"{self.room}: {self.from_staff or '—'} → {self.to_staff}"
