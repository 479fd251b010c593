"""Check-in at the door.

Lock: one conditional UPDATE (`... SET status='checked_in' WHERE pk=... AND
status='paid'`). Two phones scanning the same code at the same moment both run it; the
database lets exactly one of them change the row, the other is told when it happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from events.models import Attendee, Event
from events.selectors import attendee_for_checkin
from project.core.audit import audit_log
from project.core.locks import lock_timeout


class TicketNotFound(LookupError):
    """No ticket with this code among the organization's events."""


@dataclass(frozen=True)
class CheckinResult:
    outcome: str  # checked_in, already, other_event, invalid
    attendee: Attendee
    message: str

    @property
    def ok(self) -> bool:
        return self.outcome == "checked_in"


def ticket_checkin(*, organization, code: str, actor, event: Event | None = None) -> CheckinResult:
    """Admit the holder of `code` to an event of `organization` (to `event`, if given).
    Raises TicketNotFound for a code the organization does not know."""
    attendee = attendee_for_checkin(organization=organization, code=code)
    if attendee is None:
        raise TicketNotFound("No ticket with this code.")
    ticket_event = attendee.ticket_type.event
    if event is not None and ticket_event.pk != event.pk:
        return CheckinResult(
            "other_event", attendee, f"This ticket is for another event: {ticket_event.title}."
        )
    if ticket_event.status == Event.Status.CANCELED:
        return CheckinResult("invalid", attendee, "This event was canceled.")
    if ticket_event.status == Event.Status.DRAFT:
        return CheckinResult("invalid", attendee, "This event is not published.")

    now = timezone.now()
    with transaction.atomic(), lock_timeout():
        admitted = Attendee.objects.filter(pk=attendee.pk, status=Attendee.Status.PAID).update(
            status=Attendee.Status.CHECKED_IN, checked_in_at=now, checked_in_by=actor, updated=now
        )
        if admitted:
            audit_log(
                actor=actor,
                action="ticket.checkin",
                obj=attendee,
                organization=ticket_event.organization,
                data={"event": ticket_event.pk},
            )
    attendee.refresh_from_db()
    if admitted:
        return CheckinResult("checked_in", attendee, "Checked in.")
    if attendee.status == Attendee.Status.CHECKED_IN:
        when = ticket_event.local(attendee.checked_in_at)
        return CheckinResult(
            "already", attendee, f"Already checked in at {when:%H:%M} on {when:%d %b %Y}."
        )
    return CheckinResult(
        "invalid", attendee, f"This ticket is {attendee.get_status_display().lower()}."
    )
