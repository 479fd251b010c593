"""Benchmark: render 200 PDF tickets (A6, QR code) in one process and print the median and
p95 time per ticket. Not a test. Needs no database: the tickets are unsaved objects.

    .venv/bin/python bench/pdf_tickets.py [count]

Target on the project's 2-core machines: median <= 50 ms (needs libharfbuzz-subset0,
without it WeasyPrint subsets fonts in Python and each PDF is several times slower).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.local")

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
# WeasyPrint logs every rendering step at INFO; the log lines are not what we measure.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

from django.utils import timezone  # noqa: E402

from events.models import Attendee, Event, EventLocation, TicketType, ticket_code  # noqa: E402
from events.pdf import ticket_pdf  # noqa: E402
from project.organizations.models import Organization  # noqa: E402


def sample_attendees(count: int) -> list[Attendee]:
    organization = Organization(name="Saigon Sports Club", slug="saigon-sports-club")
    starts = timezone.now() + timedelta(days=20)
    event = Event(
        organization=organization,
        title="Saigon Sunrise 10K",
        slug="saigon-sunrise-10k",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
    )
    event.location = EventLocation(
        event=event, city="Ho Chi Minh City", address="Nguyen Hue Walking Street, District 1"
    )
    ticket_type = TicketType(event=event, name="Standard", price=Decimal("250000"), quantity=300)
    return [
        Attendee(pk=n + 1, ticket_type=ticket_type, name=f"Nguyen Van An {n}", code=ticket_code())
        for n in range(count)
    ]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    attendees = sample_attendees(count)
    started = time.perf_counter()
    ticket_pdf(attendee=attendees[0])  # warm-up: imports WeasyPrint, loads fonts
    warmup_ms = (time.perf_counter() - started) * 1000

    timings, cpu, sizes = [], [], []
    for attendee in attendees:
        started, started_cpu = time.perf_counter(), time.process_time()
        pdf = ticket_pdf(attendee=attendee)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        sizes.append(len(pdf))

    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
    print(f"PDF tickets rendered: {len(timings)} (A6, QR code), first render {warmup_ms:.0f} ms")
    print(f"median: {statistics.median(timings):.1f} ms per PDF")
    print(f"p95:    {p95:.1f} ms per PDF")
    # CPU time shows the cost when other processes share the cores (wall time then grows).
    load = os.getloadavg()[0]
    print(f"CPU median: {statistics.median(cpu):.1f} ms per PDF (load average {load:.1f})")
    size = statistics.mean(sizes) / 1024
    print(f"min/max: {timings[0]:.1f} / {timings[-1]:.1f} ms; mean size {size:.1f} KiB")


if __name__ == "__main__":
    main()
