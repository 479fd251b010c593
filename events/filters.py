"""FilterSets over the selectors' querysets: the public event list and the organizer's
attendee list. None adds a query per row."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Attendee, Event, SportType, city_search_key

INPUT = {"class": "input"}

# Other names of a city, as `city_search_key` gives them → the official name's key.
CITY_ALIASES = {
    "saigon": "hochiminh",
    "hcmc": "hochiminh",
    "tphcm": "hochiminh",
    "hcm": "hochiminh",
}


class EventFilter(django_filters.FilterSet):
    WHEN = [("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All dates"))]
    PRICE = [("free", _("Free")), ("paid", pgettext_lazy("price", "Paid"))]

    q = django_filters.CharFilter(
        max_length=100,
        method="filter_q",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={
                **INPUT,
                "type": "search",
                "placeholder": _("Search events…"),
                "autocomplete": "off",
                "maxlength": "100",
            }
        ),
    )
    sport = django_filters.ChoiceFilter(
        field_name="sport_type",
        choices=SportType.choices,
        empty_label=_("All sports"),
        label=_("Sport"),
        widget=forms.Select(attrs=INPUT),
    )
    city = django_filters.CharFilter(
        max_length=100,
        method="filter_city",
        label=_("City"),
        widget=forms.TextInput(
            attrs={
                **INPUT,
                "list": "event-cities",
                "placeholder": _("Any city"),
                "maxlength": "100",
            }
        ),
    )
    date_from = django_filters.DateFilter(
        field_name="ends_at",
        lookup_expr="date__gte",
        label=pgettext_lazy("date", "From"),
        widget=forms.DateInput(attrs={**INPUT, "type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="starts_at",
        lookup_expr="date__lte",
        label=pgettext_lazy("date", "To"),
        widget=forms.DateInput(attrs={**INPUT, "type": "date"}),
    )
    format = django_filters.ChoiceFilter(
        choices=Event.Format.choices,
        empty_label=_("Online or in person"),
        label=_("Format"),
        widget=forms.Select(attrs=INPUT),
    )
    price = django_filters.ChoiceFilter(
        method="filter_price",
        choices=PRICE,
        empty_label=_("Free or paid"),
        label=_("Price"),
        widget=forms.Select(attrs=INPUT),
    )
    when = django_filters.ChoiceFilter(
        method="filter_when",
        choices=WHEN,
        empty_label=None,
        label=_("When"),
        widget=forms.Select(attrs=INPUT),
    )

    class Meta:
        model = Event
        fields = ["q", "sport", "city", "date_from", "date_to", "format", "price", "when"]

    def __init__(self, data=None, *args, **kwargs):
        # Upcoming is the default: absent or blank `when` means upcoming.
        if data is not None and not data.get("when"):
            data = data.copy()
            data["when"] = "upcoming"
        super().__init__(data, *args, **kwargs)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(organization__name__icontains=value)
        )

    def filter_city(self, queryset, name, value):
        """Part of the city's name, ignoring case, accents and spaces; a few other names
        people use for a city ("Saigon") find it too. One indexed column, any database."""
        key = city_search_key(value)
        if not key:
            return queryset
        condition = Q(location__city_search__contains=key)
        for alias, official in CITY_ALIASES.items():
            if alias == key or (len(key) >= 3 and alias.startswith(key)):
                condition |= Q(location__city_search__contains=official)
        return queryset.filter(condition)

    def filter_price(self, queryset, name, value):
        return queryset.filter(is_free=(value == "free"))

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "past":
            return queryset.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
        if value == "all":
            return queryset
        return queryset.filter(ends_at__gte=now).exclude(status=Event.Status.CANCELED)


class AttendeeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        max_length=100,
        method="filter_q",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={
                **INPUT,
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("Name, e-mail, order or code…"),
                "maxlength": "100",
            }
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Attendee.Status.choices,
        empty_label=_("Any status"),
        widget=forms.Select(attrs=INPUT),
    )
    ticket_type = django_filters.ModelChoiceFilter(
        label=_("Ticket type"),
        queryset=None,
        empty_label=_("Any ticket type"),
        widget=forms.Select(attrs=INPUT),
    )

    class Meta:
        model = Attendee
        fields = ["q", "status", "ticket_type"]

    def __init__(self, data=None, *args, event, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["ticket_type"].queryset = event.ticket_types.all()

    def filter_q(self, queryset, name, value):
        from .selectors import attendee_search

        return attendee_search(queryset, value)
