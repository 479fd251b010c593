"""Events, where they happen (a place or a stream), what they sell (ticket types) and who
comes (attendees, one per ticket).

Capacity lives on the ticket type: `sold_or_held` counts the units that carts hold, unpaid
orders reserve and paid tickets use. It only ever changes through a conditional UPDATE in
`events.services.tickets`, so it never passes `quantity` whatever the concurrency; the
check constraint is the database's own guard.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField

from project.core.text import single_line, text_fold
from project.core.timezones import (
    site_time_zone,
    time_zone_get,
    time_zone_label,
    time_zone_validate,
)
from shop.currency import currency_choices, shop_currency


def ticket_code() -> str:
    """192 random bits, URL-safe: the ticket's secret and the QR code's content."""
    return secrets.token_urlsafe(24)


def city_search_key(city: str) -> str:
    """What the city filter compares: "Hồ Chí Minh City" → "hochiminhcity". Without spaces,
    "Ha Noi" finds "Hanoi" and "Ho Chi" finds "Ho Chi Minh City"."""
    return text_fold(city).replace(" ", "")[:100]


class SportType(models.TextChoices):
    RUNNING = "running", "Running"
    FOOTBALL = "football", "Football"
    CYCLING = "cycling", "Cycling"
    TENNIS = "tennis", "Tennis"
    BADMINTON = "badminton", "Badminton"
    BASKETBALL = "basketball", "Basketball"
    VOLLEYBALL = "volleyball", "Volleyball"
    SWIMMING = "swimming", "Swimming"
    YOGA = "yoga", "Yoga & fitness"
    ESPORTS = "esports", "Esports"
    OTHER = "other", "Other"


class Event(models.Model):
    class Format(models.TextChoices):
        OFFLINE = "offline", "In person"
        ONLINE = "online", "Online"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        FINISHED = "finished", "Finished"
        CANCELED = "canceled", "Canceled"

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="events"
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True)
    schedule = models.TextField(
        blank=True, help_text="The programme, one item a line, e.g. “07:00 Warm-up”."
    )
    sport_type = models.CharField(
        max_length=20, choices=SportType.choices, default=SportType.OTHER, db_index=True
    )
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.OFFLINE)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    # Where the times are read: pages, e-mails and PDFs show them in this zone, and the
    # organizer's forms take them in it. New events take their organization's zone.
    time_zone = models.CharField(
        max_length=64, default=site_time_zone, validators=[time_zone_validate]
    )
    is_free = models.BooleanField(default=False)
    max_tickets_per_customer = models.PositiveIntegerField(
        default=10,
        help_text="How many tickets of this event one customer may hold and buy in all.",
    )
    cover_image = models.ImageField(upload_to="events/covers/", blank=True)
    cancel_reason = models.CharField(max_length=255, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="event_status_starts")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def clean(self):
        # The admin's way in: a title is one line (it goes into e-mail subjects).
        self.title = single_line(self.title)

    @property
    def tzinfo(self):
        return time_zone_get(self.time_zone)

    @property
    def time_zone_label(self) -> str:
        """ "Ho Chi Minh time, GMT+7", at the event's start."""
        return time_zone_label(self.time_zone, self.starts_at)

    @property
    def ends_same_day(self) -> bool:
        return self.local(self.starts_at).date() == self.local(self.ends_at).date()

    def local(self, moment):
        """`moment` in the event's zone (templates use `{% timezone event.time_zone %}`)."""
        return timezone.localtime(moment, self.tzinfo) if moment else moment

    @property
    def is_online(self) -> bool:
        return self.format == self.Format.ONLINE

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def schedule_items(self) -> list[str]:
        return [line.strip() for line in self.schedule.splitlines() if line.strip()]


class EventLocation(models.Model):
    """Where an in-person event happens."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="location")
    country = CountryField(default="VN")
    city = models.CharField(max_length=100, db_index=True)
    # `city` folded for the list's city filter (no case, accents or spaces), kept by save().
    city_search = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    address = models.CharField(max_length=255, blank=True)
    map_url = models.URLField(blank=True, max_length=500)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    def __str__(self):
        parts = (self.address, self.city, self.country.name)
        return ", ".join(part for part in parts if part)

    def save(self, *args, **kwargs):
        # A derived column, not a rule: it must follow `city` however the row is written.
        self.city_search = city_search_key(self.city)
        if kwargs.get("update_fields") is not None and "city" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "city_search"}
        super().save(*args, **kwargs)

    @property
    def map_link(self) -> str:
        """The organizer's map link, else one built from the coordinates or the address."""
        if self.map_url:
            return self.map_url
        from urllib.parse import quote_plus

        if self.latitude is not None and self.longitude is not None:
            return f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}#map=16/{self.latitude}/{self.longitude}"
        if self.address or self.city:
            return f"https://www.openstreetmap.org/search?query={quote_plus(str(self))}"
        return ""


class EventOnlineInfo(models.Model):
    """How to join an online event. Shown only to people holding a valid ticket."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="online_info")
    stream_url = models.URLField(max_length=500, blank=True)
    instructions = models.TextField(blank=True)

    class Meta:
        verbose_name = "online info"
        verbose_name_plural = "online info"

    def __str__(self):
        return f"Online info for {self.event}"


class TicketType(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=255, blank=True)
    price = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # The deployment's currency (SHOP_CURRENCY), as for products.
    currency = models.CharField(max_length=3, choices=currency_choices, default=shop_currency)
    quantity = models.PositiveIntegerField(help_text="How many tickets of this type exist.")
    # Held in carts + reserved by unpaid orders + sold. Changed only by conditional UPDATEs.
    sold_or_held = models.PositiveIntegerField(default=0, editable=False)
    sales_start = models.DateTimeField(null=True, blank=True)
    sales_end = models.DateTimeField(
        null=True, blank=True, help_text="Empty: on sale until the event ends."
    )
    max_per_order = models.PositiveIntegerField(default=10)
    max_per_customer = models.PositiveIntegerField(
        default=10,
        help_text="How many of this type one customer may hold and buy, across orders.",
    )
    position = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "price", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sold_or_held__lte=models.F("quantity")),
                name="tickettype_capacity_never_exceeded",
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="tickettype_price_gte_0"),
        ]

    def __str__(self):
        return f"{self.event} · {self.name}"

    @property
    def available(self) -> int:
        return max(self.quantity - self.sold_or_held, 0)

    def sales_state(self, now=None) -> str:
        """ "upcoming", "open" or "closed" (window over, or the event is over)."""
        now = now or timezone.now()
        if self.sales_start and now < self.sales_start:
            return "upcoming"
        end = self.sales_end or self.event.ends_at
        if now >= end:
            return "closed"
        return "open"


class Attendee(models.Model):
    """One ticket: who it is for, its secret code and whether they came in."""

    class Status(models.TextChoices):
        RESERVED = "reserved", "Reserved"
        PAID = "paid", "Paid"
        CANCELED = "canceled", "Canceled"
        REFUNDED = "refunded", "Refunded"
        CHECKED_IN = "checked_in", "Checked in"

    VALID = (Status.PAID, Status.CHECKED_IN)

    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="attendees")
    order_line = models.ForeignKey(
        "shop.OrderLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    name = models.CharField(max_length=150)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PAID, db_index=True
    )
    code = models.CharField(max_length=64, unique=True, default=ticket_code, editable=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created", "pk"]
        indexes = [models.Index(fields=["ticket_type", "status"], name="attendee_type_status")]

    def __str__(self):
        return f"{self.name} ({self.ticket_type})"

    @property
    def is_valid(self) -> bool:
        return self.status in self.VALID

    def get_pdf_url(self):
        return reverse("events:ticket_pdf", kwargs={"code": self.code})


class EventCancelRun(models.Model):
    """One run of the refunds of a canceled event, done by a task (`event_cancel_run`) while
    the organizer watches its progress. At most one runs per event at a time: starting again
    while one is queued or running shows that one."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="cancel_runs")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=255)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    orders_total = models.PositiveIntegerField(default=0)
    orders_done = models.PositiveIntegerField(default=0)
    refunded_orders = models.JSONField(default=list, blank=True)
    failed = models.JSONField(default=list, blank=True)  # [[order number, why], ...]
    tickets_voided = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now)
    # Written by the running task after each order: a run whose heartbeat is older than
    # OUTBOX_LEASE_SECONDS lost its worker and is taken over when redelivered.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_active_cancel_run_per_event",
            )
        ]

    def __str__(self):
        return f"Cancel run #{self.pk} of {self.event_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return (self.orders_done * 100 // self.orders_total) if self.orders_total else 0
