"""Organizer pages under /org/<org_slug>/events/. Every view goes through
`organization_view` (login, membership, else 404) and fetches events with the
organization's filter, so another organization's event id is a 404 too."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit
from django_tables2 import RequestConfig

from events.filters import AttendeeFilter
from events.forms import CancelEventForm, CheckinForm, EventForm, TicketTypeForm
from events.models import Attendee, Event, TicketType
from events.selectors import attendees_for_event, events_for_organization, ticket_types_for_event
from events.services.cancel import event_cancel_start
from events.services.checkin import TicketNotFound, ticket_checkin
from events.services.events import (
    EventError,
    event_create,
    event_finish,
    event_publish,
    event_update,
    publish_problems,
    ticket_type_create,
    ticket_type_delete,
    ticket_type_update,
)
from events.tables import AttendeeExportTable, AttendeeTable, EventTable
from project.core.exports import export_requested, export_response
from project.organizations.scoping import get_for_organization_or_404, organization_view


def _event(request, event_id: int) -> Event:
    return get_for_organization_or_404(
        Event.objects.select_related("organization", "location", "online_info"),
        organization=request.organization,
        pk=event_id,
    )


def _ticket_type(event: Event, ticket_type_id: int) -> TicketType:
    return get_for_organization_or_404(
        TicketType.objects.all(), organization=event, field="event", pk=ticket_type_id
    )


def _to_detail(event: Event):
    return redirect("events_org:detail", event.organization.slug, event.pk)


@organization_view
def event_list(request):
    queryset = events_for_organization(organization=request.organization).select_related(
        "organization"
    )
    table = EventTable(queryset)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    template = "events/org/event_list.html"
    if request.htmx:
        template += "#table"
    return render(request, template, {"organization": request.organization, "table": table})


@organization_view
@require_http_methods(["GET", "POST"])
def event_create_view(request):
    form = EventForm(request.POST or None, request.FILES or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        event = event_create(
            organization=request.organization, actor=request.user, data=form.cleaned_data
        )
        messages.success(request, f"Draft “{event.title}” created. Add ticket types, then publish.")
        return _to_detail(event)
    return render(
        request,
        "events/org/event_form.html",
        {"organization": request.organization, "form": form, "event": None},
    )


@organization_view
def event_detail(request, event_id: int):
    event = _event(request, event_id)
    ticket_types = list(ticket_types_for_event(event=event))
    counts = _checkin_counts(event)
    return render(
        request,
        "events/org/event_detail.html",
        {
            "organization": request.organization,
            "event": event,
            "ticket_types": ticket_types,
            "tickets_valid": counts["total"],
            "checked_in": counts["checked_in"],
            "capacity": sum(ticket_type.quantity for ticket_type in ticket_types),
            "problems": publish_problems(event) if event.status == Event.Status.DRAFT else [],
        },
    )


@organization_view
@require_http_methods(["GET", "POST"])
def event_edit(request, event_id: int):
    event = _event(request, event_id)
    form = EventForm(request.POST or None, request.FILES or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            event_update(event=event, actor=request.user, data=form.cleaned_data)
        except EventError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Event saved.")
            return _to_detail(event)
    return render(
        request,
        "events/org/event_form.html",
        {"organization": request.organization, "form": form, "event": event},
    )


@organization_view
@require_POST
def event_publish_view(request, event_id: int):
    event = _event(request, event_id)
    try:
        event_publish(event=event, actor=request.user)
    except EventError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"“{event.title}” is published and on sale.")
    return _to_detail(event)


@organization_view
@require_POST
def event_finish_view(request, event_id: int):
    event = _event(request, event_id)
    try:
        event_finish(event=event, actor=request.user)
    except EventError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"“{event.title}” is finished.")
    return _to_detail(event)


@organization_view
@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="10/m", method="POST", block=True)
def event_cancel_view(request, event_id: int):
    """The cancel form, and the progress of the refunds once started (polled by HTMX while
    the task runs). Starting while a run is under way shows that run."""
    event = _event(request, event_id)
    form = CancelEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run, started = event_cancel_start(
                event=event, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except EventError as exc:
            form.add_error(None, str(exc))
        else:
            if not started:
                messages.info(request, _("The refunds are already running: see their progress."))
            return redirect("events_org:cancel", request.organization.slug, event.pk)
    event.refresh_from_db()
    context = {
        "organization": request.organization,
        "event": event,
        "form": form,
        "run": event.cancel_runs.select_related("actor").first(),
        "tickets_valid": _checkin_counts(event)["total"],
    }
    if request.htmx and request.method == "GET":
        response = render(request, "events/org/event_cancel.html#cancel_progress", context)
        if context["run"] is not None and not context["run"].is_active:
            response["HX-Refresh"] = "true"  # finished: the whole page, with the retry form
        return response
    return render(request, "events/org/event_cancel.html", context)


# --- ticket types --------------------------------------------------------------------------


@organization_view
@require_http_methods(["GET", "POST"])
def ticket_type_create_view(request, event_id: int):
    event = _event(request, event_id)
    form = TicketTypeForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            ticket_type_create(event=event, actor=request.user, data=form.cleaned_data)
        except EventError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Ticket type added.")
            return _to_detail(event)
    return render(
        request,
        "events/org/ticket_type_form.html",
        {"organization": request.organization, "event": event, "form": form, "ticket_type": None},
    )


@organization_view
@require_http_methods(["GET", "POST"])
def ticket_type_edit(request, event_id: int, ticket_type_id: int):
    event = _event(request, event_id)
    ticket_type = _ticket_type(event, ticket_type_id)
    form = TicketTypeForm(request.POST or None, event=event, ticket_type=ticket_type)
    if request.method == "POST" and form.is_valid():
        try:
            ticket_type_update(ticket_type=ticket_type, actor=request.user, data=form.cleaned_data)
        except EventError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Ticket type saved.")
            return _to_detail(event)
    return render(
        request,
        "events/org/ticket_type_form.html",
        {
            "organization": request.organization,
            "event": event,
            "form": form,
            "ticket_type": ticket_type,
        },
    )


@organization_view
@require_POST
def ticket_type_delete_view(request, event_id: int, ticket_type_id: int):
    event = _event(request, event_id)
    ticket_type = _ticket_type(event, ticket_type_id)
    try:
        ticket_type_delete(ticket_type=ticket_type, actor=request.user)
    except EventError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Ticket type “{ticket_type.name}” deleted.")
    return _to_detail(event)


# --- attendees -----------------------------------------------------------------------------


def _attendee_filter(request, event):
    return AttendeeFilter(request.GET, queryset=attendees_for_event(event=event), event=event)


@organization_view
def attendee_list(request, event_id: int):
    event = _event(request, event_id)
    attendee_filter = _attendee_filter(request, event)
    table = AttendeeTable(attendee_filter.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    template = "events/org/attendee_list.html"
    if request.htmx:
        # Sorting and paging swap the table; the filter form swaps the results block.
        template += "#table" if request.htmx.target == "attendees-wrapper" else "#results"
    return render(
        request,
        template,
        {
            "organization": request.organization,
            "event": event,
            "filter": attendee_filter,
            "form": attendee_filter.form,
            "table": table,
            "query": request.GET.urlencode(),
        },
    )


@organization_view
def attendee_export(request, event_id: int):
    """The attendee list (with the page's filters) as CSV, or as xlsx with `?_export=xlsx`."""
    event = _event(request, event_id)
    table = AttendeeExportTable(_attendee_filter(request, event).qs)
    return export_response(
        table, export_format=export_requested(request) or "csv", name=f"attendees-{event.slug[:50]}"
    )


# --- check-in ------------------------------------------------------------------------------


@organization_view
@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="120/m", method="POST", block=True)
def checkin(request, event_id: int):
    """The door page (made for a phone): scan or type a code. POST checks in and answers
    with the result panel. An unknown or empty code is an answer too: HTMX gets it as a
    200 (django-htmx's debug handler would replace the whole page with a 4xx body), a plain
    form post gets the page with the panel and a 404 or 400."""
    event = _event(request, event_id)
    template = "events/org/checkin.html"
    context = {"organization": request.organization, "event": event, "form": CheckinForm()}
    if request.method == "GET":
        context["counts"] = _checkin_counts(event)
        return render(request, template, context)

    form = CheckinForm(request.POST)
    status = 200
    if not form.is_valid():
        context["error"] = "Type or scan a ticket code."
        status = 400
    else:
        try:
            context["result"] = ticket_checkin(
                organization=request.organization,
                code=form.cleaned_data["code"],
                actor=request.user,
                event=event,
            )
        except TicketNotFound:
            context["error"] = "No ticket with this code for this organization."
            status = 404
    context["counts"] = _checkin_counts(event)
    if request.htmx:
        return render(request, f"{template}#result", context)
    return render(request, template, context, status=status)


def _checkin_counts(event: Event) -> dict:
    """Valid tickets and how many of them are checked in, in one query."""
    return Attendee.objects.filter(ticket_type__event=event, status__in=Attendee.VALID).aggregate(
        total=Count("pk"), checked_in=Count("pk", filter=Q(status=Attendee.Status.CHECKED_IN))
    )
