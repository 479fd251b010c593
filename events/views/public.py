"""Public event pages and the buyer's tickets."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from events.filters import EventFilter
from events.forms import AttendeeNameForm, RegisterForm
from events.models import Attendee, Event
from events.selectors import (
    event_cities,
    event_get_public,
    event_list_public,
    ticket_for_download,
    tickets_for_user,
    user_holds_ticket,
    user_is_event_member,
)
from events.services.tickets import CartHasOtherItems, TicketError, attendee_rename, event_register
from project.accounts.verification import verified_email_required
from project.core.ratelimit import search_rate
from shop.services.cart import reservations_expire_due

PER_PAGE = 12
LIST_TEMPLATE = "events/event_list.html"
FILTER_NAMES = ("q", "sport", "city", "date_from", "date_to", "format", "price")


@require_GET
@ratelimit(key="user_or_ip", rate=search_rate, block=True)
def event_list(request):
    """`/events/`: filters, results and pagination; HTMX requests get `#results` only."""
    reservations_expire_due(kind="ticket")  # expired holds must not show as "Sold out"
    event_filter = EventFilter(request.GET, queryset=event_list_public())
    page_obj = Paginator(event_filter.qs, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": event_filter,
        "form": event_filter.form,
        "page_obj": page_obj,
        "events": page_obj.object_list,
        "filtered": any(request.GET.get(name) for name in FILTER_NAMES)
        or request.GET.get("when") in ("past", "all"),
    }
    if request.htmx:
        response = render(request, f"{LIST_TEMPLATE}#results", context)
    else:
        context["cities"] = event_cities()
        response = render(request, LIST_TEMPLATE, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def event_detail(request, slug: str):
    event = event_get_public(slug=slug)
    if event is None:
        raise Http404("No such event.")
    is_member = user_is_event_member(user=request.user, event=event)
    holds_ticket = user_holds_ticket(user=request.user, event=event)
    online_info = getattr(event, "online_info", None) if (holds_ticket or is_member) else None
    # Expired holds of this event's tickets give their places back before they are shown.
    type_refs = [str(pk) for pk in event.ticket_types.values_list("pk", flat=True)]
    if reservations_expire_due(kind="ticket", refs=type_refs):
        event = event_get_public(slug=slug)
    ticket_types = list(event.ticket_types.all())
    for ticket_type in ticket_types:
        ticket_type.event = event  # sales_state reads the event's end
    on_sale = event.status == Event.Status.PUBLISHED
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "location": getattr(event, "location", None),
            "ticket_types": ticket_types,
            "on_sale": on_sale,
            "holds_ticket": holds_ticket,
            "is_member": is_member,
            "online_info": online_info,
            "register_token": secrets.token_urlsafe(16),
            "guest_hold": {
                "units": settings.SHOP_GUEST_MAX_UNITS,
                "minutes": settings.SHOP_GUEST_HOLD_MINUTES,
            },
        },
    )


@require_POST
@verified_email_required(message=_("Please verify your e-mail address before registering."))
@ratelimit(key="user_or_ip", rate="20/m", method="POST", block=True)
def event_register_view(request, slug: str):
    """A free ticket in one step: the ticket goes through the cart and a zero-total order."""
    from shop.services.cart import CartError, cart_add, cart_for_request

    event = get_object_or_404(Event, slug=slug, status=Event.Status.PUBLISHED)
    form = RegisterForm(request.POST)
    if not form.is_valid():
        problem = form.errors.get("attendee_names")
        messages.error(
            request, problem[0] if problem else "Choose how many places you want (1 or more)."
        )
        return redirect(event)
    ticket_type = get_object_or_404(event.ticket_types, pk=form.cleaned_data["ticket_type"])
    cart = cart_for_request(request, create=True)
    try:
        order = event_register(
            cart=cart,
            user=request.user,
            ticket_type=ticket_type,
            quantity=form.cleaned_data["quantity"],
            idempotency_key=form.cleaned_data["token"],
            attendee_names=form.cleaned_data["attendee_names"],
        )
    except CartHasOtherItems as exc:
        try:
            cart_add(
                cart=cart,
                kind="ticket",
                ref=str(ticket_type.pk),
                quantity=form.cleaned_data["quantity"],
                user=request.user,
            )
        except CartError as cart_exc:
            messages.error(request, str(cart_exc))
            return redirect(event)
        messages.info(request, str(exc))
        return redirect("shop:cart")
    except TicketError as exc:
        messages.error(request, str(exc))
        return redirect(event)
    count = form.cleaned_data["quantity"]
    messages.success(
        request,
        f"You are registered for {event.title} ({count} place{'s' if count != 1 else ''}, "
        f"order {order.number}). Your tickets are below and on their way by e-mail.",
    )
    return redirect("events:my_tickets")


@require_GET
@login_required
def my_tickets(request):
    page_obj = Paginator(tickets_for_user(user=request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "events/my_tickets.html",
        {"page_obj": page_obj, "tickets": page_obj.object_list},
    )


@require_POST
@login_required
@ratelimit(key="user_or_ip", rate="30/m", method="POST", block=True)
def ticket_rename(request, code: str):
    attendee = get_object_or_404(
        Attendee.objects.select_related(
            "ticket_type__event__organization",
            "ticket_type__event__location",
            "order_line__order",
        ),
        code=code,
        buyer=request.user,
    )
    form = AttendeeNameForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            attendee = attendee_rename(
                attendee=attendee, user=request.user, name=form.cleaned_data["name"]
            )
            attendee = Attendee.objects.select_related(
                "ticket_type__event__organization",
                "ticket_type__event__location",
                "order_line__order",
            ).get(pk=attendee.pk)
        except TicketError as exc:
            error = str(exc)
    else:
        error = "Enter a name of at most 150 characters."
    if request.htmx:
        response = render(
            request,
            "events/my_tickets.html#ticket",
            {"ticket": attendee, "error": error, "saved": not error},
        )
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Name saved.")
    return redirect("events:my_tickets")


@require_GET
@login_required
def ticket_pdf_view(request, code: str):
    """The PDF ticket, for its buyer and the organizing team; anyone else gets a 404."""
    from events.pdf import ticket_filename, ticket_pdf

    attendee = ticket_for_download(code=code, user=request.user)
    if attendee is None:
        raise Http404("No such ticket.")
    response = HttpResponse(ticket_pdf(attendee=attendee), content_type="application/pdf")
    disposition = "inline" if request.GET.get("inline") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{ticket_filename(attendee)}"'
    response["Cache-Control"] = "private, no-store"
    return response
