"""Demo events for Saigon Sports Club (run by `seed_demo` after the shop's data): online
and offline, free and paid, past and upcoming, one nearly sold out, one still a draft,
with ticket types and some attendees. Idempotent: events are found by slug."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from project.accounts.demo import demo_user
from project.core.timezones import time_zone_get
from project.organizations.models import Organization
from shop.currency import currency_convert, shop_currency

from .models import Attendee, Event, EventLocation, EventOnlineInfo, TicketType, ticket_code

ATTENDEE_NAMES = [
    "Nguyen Van An",
    "Tran Thi Bich",
    "Le Minh Chau",
    "Pham Quoc Dung",
    "Hoang Thu Ha",
    "Vo Thanh Hai",
    "Dang Ngoc Lan",
    "Bui Gia Huy",
    "Do Khanh Linh",
    "Ngo Bao Long",
]

# slug, title, sport, format, status, days from now, hours long, free, city/address or
# stream, ticket types [(name, price, quantity, sold)], schedule
EVENTS = [
    (
        "saigon-sunrise-10k",
        "Saigon Sunrise 10K",
        "running",
        "offline",
        "published",
        20,
        4,
        False,
        ("Ho Chi Minh City", "Nguyen Hue Walking Street, District 1", 10.7743, 106.7038),
        [
            ("Early bird", "200000", 100, 100, -1),
            ("Standard", "250000", 300, 42, None),
            ("Late entry", "320000", 50, 0, 15),
        ],
        "05:00 Bib pick-up\n05:45 Warm-up\n06:00 Start\n08:00 Medals and breakfast",
    ),
    (
        "district-1-night-run-5k",
        "District 1 Night Run 5K",
        "running",
        "offline",
        "published",
        35,
        3,
        False,
        ("Ho Chi Minh City", "Ben Thanh Market gate, District 1", 10.7725, 106.6980),
        [("Runner", "150000", 50, 48, None)],
        "19:00 Check-in\n19:45 Start\n21:00 After-party",
    ),
    (
        "saigon-futsal-cup",
        "Saigon Futsal Cup",
        "football",
        "offline",
        "published",
        12,
        8,
        False,
        ("Ho Chi Minh City", "Phu Tho Indoor Stadium, District 11", 10.7655, 106.6585),
        [("Team of 7", "1400000", 16, 5, None), ("Spectator", "50000", 200, 12, None)],
        "08:00 Group stage\n13:00 Knock-outs\n17:00 Final",
    ),
    (
        "morning-yoga-tao-dan",
        "Morning Yoga in Tao Dan Park",
        "yoga",
        "offline",
        "published",
        5,
        2,
        True,
        ("Ho Chi Minh City", "Tao Dan Park, District 1", 10.7746, 106.6925),
        [("Place on the mat", "0", 40, 9, None)],
        "06:30 Breathing\n07:00 Flow\n08:00 Tea",
    ),
    (
        "lol-community-tournament",
        "League Community Tournament",
        "esports",
        "online",
        "published",
        18,
        6,
        False,
        (
            "https://meet.example.com/tessera-lol-cup",
            "Join the lobby 30 minutes early; team captains get the draft link by e-mail.",
        ),
        [("Team entry", "500000", 32, 10, None)],
        "10:00 Groups\n14:00 Playoffs\n16:00 Final",
    ),
    (
        "esports-coaching-webinar",
        "Esports Coaching Webinar",
        "esports",
        "online",
        "published",
        8,
        2,
        True,
        ("https://meet.example.com/tessera-coaching", "Camera optional. Questions in chat."),
        [("Seat", "0", 500, 37, None)],
        "19:00 Talk\n20:00 Q&A",
    ),
    (
        "hanoi-badminton-open-day",
        "Hanoi Badminton Open Day",
        "badminton",
        "offline",
        "published",
        25,
        6,
        True,
        ("Hanoi", "Cau Giay Sports Hall", 21.0362, 105.7906),
        [("Player", "0", 60, 4, None)],
        "08:00 Doubles\n12:00 Lunch\n13:00 Singles",
    ),
    (
        "mekong-delta-cycling-tour",
        "Mekong Delta Cycling Tour",
        "cycling",
        "offline",
        "published",
        45,
        10,
        False,
        ("Can Tho", "Ninh Kieu Wharf", 10.0341, 105.7880),
        [("Rider", "900000", 40, 6, None), ("Rider + bike rental", "1300000", 20, 2, None)],
        "06:00 Ferry\n07:00 Ride 60 km\n12:00 Lunch at the orchard",
    ),
    (
        "da-nang-beach-volleyball",
        "Da Nang Beach Volleyball",
        "volleyball",
        "offline",
        "published",
        60,
        7,
        False,
        ("Da Nang", "My Khe Beach, Son Tra", 16.0544, 108.2474),
        [("Pair", "400000", 24, 0, None)],
        "08:00 Pools\n14:00 Finals",
    ),
    (
        "saigon-half-marathon-spring",
        "Saigon Half Marathon (spring edition)",
        "running",
        "offline",
        "finished",
        -30,
        5,
        False,
        ("Ho Chi Minh City", "Thu Thiem Bridge", 10.7860, 106.7180),
        [("Half marathon", "450000", 200, 10, None)],
        "04:30 Start\n08:00 Awards",
    ),
    (
        "tennis-clinic-thao-dien",
        "Tennis Clinic in Thao Dien",
        "tennis",
        "offline",
        "finished",
        -10,
        3,
        True,
        ("Ho Chi Minh City", "Thao Dien Tennis Courts, Thu Duc", 10.8037, 106.7336),
        [("Court place", "0", 16, 6, None)],
        "16:00 Drills\n17:30 Match play",
    ),
    (
        "swimming-gala-draft",
        "Swimming Gala",
        "swimming",
        "offline",
        "draft",
        75,
        4,
        False,
        ("Ho Chi Minh City", "Yet Kieu Swimming Pool, District 1", 10.7863, 106.6990),
        [("Swimmer", "200000", 80, 0, None)],
        "",
    ),
]


def seed(*, out) -> None:
    organization = Organization.objects.filter(slug="saigon-sports-club").first()
    if organization is None:
        out.write("events: skipped (no demo organization)")
        return
    customer = demo_user("customer@tessera.test")
    base = timezone.now().replace(minute=0, second=0, microsecond=0)
    zone = time_zone_get(organization.time_zone)
    today = timezone.localdate(timezone=zone)
    made = 0
    for slug, title, sport, fmt, status, days, hours, free, place, types, schedule in EVENTS:
        if Event.objects.filter(slug=slug).exists():
            continue
        starts = _local_start(today + timedelta(days=days), schedule, zone)
        event = Event.objects.create(
            organization=organization,
            time_zone=zone.key,
            slug=slug,
            title=title,
            sport_type=sport,
            format=fmt,
            status=status,
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            is_free=free,
            schedule=schedule,
            description=f"{title}, organized by {organization.name}. Open to every level.",
            published_at=None if status == "draft" else base - timedelta(days=14),
        )
        if fmt == "offline":
            city, address, lat, lng = place
            EventLocation.objects.create(
                event=event,
                city=city,
                address=address,
                country="VN",
                latitude=Decimal(str(lat)),
                longitude=Decimal(str(lng)),
            )
        else:
            EventOnlineInfo.objects.create(event=event, stream_url=place[0], instructions=place[1])
        for position, (name, price, quantity, sold, opens_in_days) in enumerate(types):
            sales_start = sales_end = None
            if opens_in_days is not None and opens_in_days < 0:
                sales_end = base - timedelta(days=1)  # an early-bird window that has closed
                sales_start = base - timedelta(days=30)
            elif opens_in_days:
                sales_start = base + timedelta(days=opens_in_days)
            ticket_type = TicketType.objects.create(
                event=event,
                name=name,
                price=currency_convert(Decimal(price), "VND", shop_currency()),
                currency=shop_currency(),
                quantity=quantity,
                sold_or_held=sold,
                sales_start=sales_start,
                sales_end=sales_end,
                position=position,
            )
            _attendees(ticket_type, customer, sold, checked_in=status == "finished")
        made += 1
    total = Event.objects.filter(organization=organization).count()
    out.write(f"events: {made} new demo events ({total} in all)")


def _local_start(day, schedule: str, zone) -> datetime:
    """The event starts on `day` at its schedule's first time in the organization's zone:
    a run at 05:00, evening yoga at 19:00, as the programme on the page says."""
    first = re.match(r"\s*(\d{1,2}):(\d{2})", schedule or "")
    hour, minute = (int(first[1]), int(first[2])) if first else (9, 0)
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _attendees(ticket_type: TicketType, buyer, count: int, *, checked_in: bool) -> None:
    """Demo tickets without orders (as if issued at the door or imported)."""
    event = ticket_type.event
    Attendee.objects.bulk_create(
        [
            Attendee(
                ticket_type=ticket_type,
                buyer=buyer if n < 2 else None,
                name=ATTENDEE_NAMES[n % len(ATTENDEE_NAMES)],
                code=ticket_code(),
                status=(
                    Attendee.Status.CHECKED_IN
                    if checked_in and n % 5 != 4
                    else Attendee.Status.PAID
                ),
                checked_in_at=event.starts_at + timedelta(minutes=n)
                if checked_in and n % 5 != 4
                else None,
            )
            for n in range(count)
        ]
    )
