"""Time zones: the site's zone (setting `TIME_ZONE`), the zones an organization or event may
take, and the label shown next to an event's times ("Ho Chi Minh time, GMT+7")."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone


def site_time_zone() -> str:
    """The default zone of organizations and events (a callable model default)."""
    return settings.TIME_ZONE


@functools.cache
def time_zone_names() -> frozenset[str]:
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    ) | {"UTC"}


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(time_zone_names())]


def time_zone_validate(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(f"“{value}” is not a time zone we know (e.g. Asia/Ho_Chi_Minh).")


def time_zone_get(name: str) -> zoneinfo.ZoneInfo:
    """The zone called `name`, or the site's zone for an unknown or empty name."""
    try:
        return zoneinfo.ZoneInfo(name if name in time_zone_names() else settings.TIME_ZONE)
    except zoneinfo.ZoneInfoNotFoundError:
        return zoneinfo.ZoneInfo("UTC")


def time_zone_label(name: str, moment: datetime | None = None) -> str:
    """ "Ho Chi Minh time, GMT+7" — the zone's place and its offset at `moment` (now)."""
    zone = time_zone_get(name)
    local = timezone.localtime(moment or timezone.now(), zone)
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    gmt = f"GMT{sign}{hours}" + (f":{rest:02d}" if rest else "") if minutes else "GMT"
    if zone.key == "UTC":
        return "UTC"
    place = zone.key.rsplit("/", 1)[-1].replace("_", " ")
    return f"{place} time, {gmt}"
