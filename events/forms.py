"""Organizer forms (plain forms: validation never touches an instance; the services write)
and the buyer's small forms (register, attendee name, check-in code)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from project.core.images import IMAGE_ACCEPT, IMAGE_HELP_TEXT, image_is_upload, image_validate
from project.core.text import single_line
from project.core.timezones import (
    site_time_zone,
    time_zone_choices,
    time_zone_get,
    time_zone_label,
    time_zone_names,
)
from shop.currency import currency_choices, shop_currency

from .models import Event, SportType

INPUT = {"class": "input"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time typed in `zone` (the event's), whatever the site's zone is: the
    organizer types "06:00" for a 6 am start in Hanoi and sees 06:00 again when editing."""

    zone = None

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value) and self.zone:
            value = timezone.localtime(value, self.zone).replace(tzinfo=None)
        return super().prepare_value(value)

    def to_python(self, value):
        if self.zone is None:
            return super().to_python(value)
        with timezone.override(self.zone):
            return super().to_python(value)


def _datetime(**kwargs):
    return ZonedDateTimeField(
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(
            attrs={**INPUT, "type": "datetime-local"}, format=DATETIME_FORMAT
        ),
        **kwargs,
    )


def _zone_fields(form, zone, names) -> None:
    """Read and show the form's times in `zone`, and say so under each field."""
    label = time_zone_label(zone.key)
    for name in names:
        field = form.fields[name]
        field.zone = zone
        field.help_text = " ".join(part for part in (field.help_text, f"In {label}.") if part)


class EventForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs=INPUT))
    sport_type = forms.ChoiceField(choices=SportType.choices, widget=forms.Select(attrs=INPUT))
    format = forms.ChoiceField(
        choices=Event.Format.choices,
        initial=Event.Format.OFFLINE,
        widget=forms.Select(attrs=INPUT),
    )
    time_zone = forms.ChoiceField(
        required=False,  # left out: the event's (or its organization's) zone
        choices=time_zone_choices,
        widget=forms.Select(attrs=INPUT),
        help_text="The times below, and everywhere the event is shown, are in this zone.",
    )
    starts_at = _datetime(label="Starts")
    ends_at = _datetime(label="Ends")
    is_free = forms.BooleanField(required=False, label="Free event (registration, no payment)")
    description = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea(attrs={**INPUT, "rows": 5})
    )
    schedule = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(
            attrs={**INPUT, "rows": 4, "placeholder": "07:00 Warm-up\n07:30 Start"}
        ),
        help_text="One item a line.",
    )
    cover_image = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=IMAGE_HELP_TEXT,
    )
    # In person
    country = LazyTypedChoiceField(
        choices=countries, required=False, initial="VN", widget=forms.Select(attrs=INPUT)
    )
    city = forms.CharField(max_length=100, required=False, widget=forms.TextInput(attrs=INPUT))
    address = forms.CharField(max_length=255, required=False, widget=forms.TextInput(attrs=INPUT))
    map_url = forms.URLField(
        label="Map link",
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs=INPUT),
    )
    latitude = forms.DecimalField(
        required=False,
        min_value=Decimal("-90"),
        max_value=Decimal("90"),
        max_digits=9,
        decimal_places=6,
        widget=forms.NumberInput(attrs={**INPUT, "step": "any"}),
    )
    longitude = forms.DecimalField(
        required=False,
        min_value=Decimal("-180"),
        max_value=Decimal("180"),
        max_digits=9,
        decimal_places=6,
        widget=forms.NumberInput(attrs={**INPUT, "step": "any"}),
    )
    # Online
    stream_url = forms.URLField(
        label="Stream or meeting link",
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs=INPUT),
        help_text="Shown only to ticket holders.",
    )
    instructions = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={**INPUT, "rows": 3}),
        help_text="How to join; shown only to ticket holders.",
    )

    PLACE_FIELDS = {
        Event.Format.OFFLINE: ("country", "city", "address", "map_url", "latitude", "longitude"),
        Event.Format.ONLINE: ("stream_url", "instructions"),
    }

    def __init__(self, *args, event: Event | None = None, organization=None, **kwargs):
        self.event = event
        if event is not None and "initial" not in kwargs:
            initial = {
                key: getattr(event, key)
                for key in (
                    "title",
                    "sport_type",
                    "format",
                    "time_zone",
                    "starts_at",
                    "ends_at",
                    "is_free",
                    "description",
                    "schedule",
                    "cover_image",
                )
            }
            location = getattr(event, "location", None)
            if location is not None:
                initial.update(
                    {key: getattr(location, key) for key in self.PLACE_FIELDS["offline"]}
                )
            info = getattr(event, "online_info", None)
            if info is not None:
                initial.update({key: getattr(info, key) for key in self.PLACE_FIELDS["online"]})
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        default = event.time_zone if event else getattr(organization, "time_zone", "")
        default = default or site_time_zone()
        self.fields["time_zone"].initial = self.default_time_zone = default
        typed = self.data.get("time_zone") if self.is_bound else None
        zone = time_zone_get(typed if typed in time_zone_names() else default)
        _zone_fields(self, zone, ("starts_at", "ends_at"))

    def clean_time_zone(self):
        return self.cleaned_data.get("time_zone") or self.default_time_zone

    def clean_title(self):
        # A title goes into e-mail subjects and PDF headings: one line only.
        title = single_line(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError("Give the event a title.")
        return title

    def clean_cover_image(self):
        image = self.cleaned_data.get("cover_image")
        if image_is_upload(image):
            image_validate(image)  # the same rules as product images; the service re-encodes
        return image

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The event must end after it starts.")
        if data.get("format") == Event.Format.OFFLINE and not data.get("city"):
            self.add_error("city", "Give the city for an in-person event.")
        lat, lng = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lng is None):
            self.add_error("longitude", "Give both coordinates, or neither.")
        return data


class TicketTypeForm(forms.Form):
    name = forms.CharField(max_length=100, widget=forms.TextInput(attrs=INPUT))
    description = forms.CharField(
        max_length=255, required=False, widget=forms.TextInput(attrs=INPUT)
    )
    price = forms.DecimalField(
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        initial=Decimal("0"),
        widget=forms.NumberInput(attrs={**INPUT, "step": "0.01", "inputmode": "decimal"}),
    )
    currency = forms.ChoiceField(
        choices=currency_choices, initial=shop_currency, widget=forms.Select(attrs=INPUT)
    )
    quantity = forms.IntegerField(
        min_value=1, max_value=100000, widget=forms.NumberInput(attrs=INPUT)
    )
    sales_start = _datetime(
        required=False, label="Sales start", help_text="Empty: on sale once published."
    )
    sales_end = _datetime(
        required=False, label="Sales end", help_text="Empty: until the event ends."
    )
    max_per_order = forms.IntegerField(
        min_value=1, max_value=99, initial=10, widget=forms.NumberInput(attrs=INPUT)
    )
    max_per_customer = forms.IntegerField(
        min_value=1,
        max_value=10_000,
        initial=10,
        required=False,
        label="Max per customer",
        help_text="Across all of a customer's carts, orders and registrations.",
        widget=forms.NumberInput(attrs=INPUT),
    )
    position = forms.IntegerField(
        min_value=0,
        max_value=10_000,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs=INPUT),
    )

    def __init__(self, *args, event: Event, ticket_type=None, **kwargs):
        self.event = event
        if ticket_type is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                key: getattr(ticket_type, key)
                for key in (
                    "name",
                    "description",
                    "price",
                    "currency",
                    "quantity",
                    "sales_start",
                    "sales_end",
                    "max_per_order",
                    "max_per_customer",
                    "position",
                )
            }
        super().__init__(*args, **kwargs)
        _zone_fields(self, event.tzinfo, ("sales_start", "sales_end"))
        if event.is_free:
            self.fields["price"].help_text = "This event is free: tickets cost 0."

    def clean_position(self):
        return self.cleaned_data.get("position") or 0

    def clean_max_per_customer(self):
        return self.cleaned_data.get("max_per_customer") or 10

    def clean(self):
        data = super().clean()
        if self.event.is_free and data.get("price"):
            self.add_error("price", "This event is free: its tickets must cost 0.")
        start, end = data.get("sales_start"), data.get("sales_end")
        if start and end and end <= start:
            self.add_error("sales_end", "Sales must end after they start.")
        if end and end > self.event.ends_at:
            self.add_error("sales_end", "Sales cannot go on after the event ends.")
        return data


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        max_length=255,
        widget=forms.TextInput(
            attrs={**INPUT, "placeholder": "e.g. Storm warning for the race day"}
        ),
        help_text="Sent to every attendee with their refund.",
    )
    confirm = forms.BooleanField(label="Yes, cancel the event, refund and notify every attendee")


class RegisterForm(forms.Form):
    ticket_type = forms.IntegerField(min_value=1, max_value=2_147_483_647)
    quantity = forms.IntegerField(min_value=1, max_value=99, initial=1)
    token = forms.CharField(max_length=40, min_length=8)
    attendee_names = forms.CharField(
        required=False,
        max_length=100 * 151,
        label="Names on the tickets (optional)",
        help_text="One a line, in the order of the places. You can change them later.",
        widget=forms.Textarea(attrs={**INPUT, "rows": 2, "autocomplete": "name"}),
    )

    def clean_attendee_names(self):
        names = [line.strip() for line in self.cleaned_data["attendee_names"].splitlines()]
        names = [name for name in names if name]
        if any(len(name) > 150 for name in names):
            raise forms.ValidationError("A name can be at most 150 characters.")
        return names

    def clean(self):
        data = super().clean()
        if len(data.get("attendee_names") or []) > (data.get("quantity") or 0):
            self.add_error("attendee_names", "Give at most one name a place.")
        return data


class AttendeeNameForm(forms.Form):
    name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={**INPUT, "autocomplete": "name"})
    )


class CheckinForm(forms.Form):
    code = forms.CharField(
        max_length=64,
        widget=forms.TextInput(
            attrs={
                **INPUT,
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "placeholder": "Ticket code",
                "enterkeyhint": "go",
            }
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()
