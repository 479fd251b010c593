"""Support pages: the customer's "Contact support", the chat page, the staff queue and the
room actions (take, hand off, close). Live traffic runs over the sockets in
`support.consumers`; these views render and call services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_ratelimit.decorators import ratelimit

from project.accounts.access import access_required
from project.accounts.roles import Perm
from shop.models import Order

from . import selectors, services
from .forms import HandOffForm, RoomOpenForm
from .models import Room


def _room_or_404(request, slug) -> Room:
    """The room if the person may look at it: its customer or support staff."""
    room = get_object_or_404(
        Room.objects.select_related("customer", "assigned_staff", "order"), slug=slug
    )
    if room.customer_id != request.user.pk and not services.is_support_staff(request.user):
        raise Http404("No such conversation.")
    return room


def _redirect(request, url):
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@ratelimit(key="user", rate="20/m", method="POST", block=True)
def support_home(request):
    form = RoomOpenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            room = services.room_open(
                customer=request.user,
                subject=form.cleaned_data["subject"],
                order=form.cleaned_data["order"],
            )
        except services.SupportError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(room)
    rooms = Paginator(selectors.rooms_for_customer(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "support/home.html",
        {"form": form, "page_obj": rooms, "rooms": rooms.object_list},
        status=400 if form.errors else 200,
    )


def _render_room(request, room, *, handoff_form=None, status=200):
    is_staff = services.is_support_staff(request.user)
    can_hand_off = services.can_hand_off(request.user) and room.is_open
    if can_hand_off and handoff_form is None:
        handoff_form = HandOffForm(room=room)
    context = {
        "room": room,
        "chat_messages": selectors.room_recent_messages(
            room_id=room.pk, limit=services.HISTORY_SIZE
        ),
        "is_staff": is_staff,
        "is_customer": room.customer_id == request.user.pk,
        "handoff_form": handoff_form if can_hand_off else None,
        "handoffs": selectors.room_handoffs(room=room) if is_staff else [],
        "can_close": room.is_open
        and (request.user.pk in (room.customer_id, room.assigned_staff_id) or can_hand_off),
        "layout": "layouts/dashboard.html" if is_staff else "layouts/storefront.html",
        "max_length": settings.SUPPORT_MESSAGE_MAX_LENGTH,
    }
    return render(request, "support/room.html", context, status=status)


@login_required
def room_detail(request, slug):
    return _render_room(request, _room_or_404(request, slug))


@access_required(Perm.SUPPORT_ANSWER)
@require_POST
def room_take(request, slug):
    room = _room_or_404(request, slug)
    try:
        services.room_assign(room=room, staff=request.user)
    except services.SupportError as exc:
        messages.error(request, str(exc))
        return _redirect(request, "support:queue")
    return _redirect(request, room.get_absolute_url())


@access_required(Perm.SUPPORT_SUPERVISE)
@require_POST
def room_handoff(request, slug):
    room = _room_or_404(request, slug)
    form = HandOffForm(request.POST, room=room)
    if form.is_valid():
        try:
            services.room_handoff(
                room=room, to_staff=form.cleaned_data["to_staff"], by=request.user
            )
        except services.SupportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{form.cleaned_data['to_staff'].display_name} now answers this conversation.",
            )
            return redirect(room)
    room.refresh_from_db()
    return _render_room(request, room, handoff_form=form, status=400)


@login_required
@require_POST
def room_close(request, slug):
    room = _room_or_404(request, slug)
    try:
        services.room_close(room=room, by=request.user)
    except services.SupportError as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, "The conversation is closed.")
    return redirect(room)


@access_required(Perm.SUPPORT_ANSWER)
def queue(request):
    unassigned = Paginator(selectors.queue_unassigned(), 25).get_page(request.GET.get("page"))
    others = None
    if services.can_hand_off(request.user):
        others = Paginator(selectors.queue_assigned_to_others(user=request.user), 25).get_page(
            request.GET.get("others_page")
        )
    context = {
        "unassigned": unassigned,
        "mine": list(selectors.queue_assigned_to(user=request.user)[:100]),
        "others": others,
    }
    template = "support/queue.html#queue-lists" if request.htmx else "support/queue.html"
    return render(request, template, context)


@login_required
@ratelimit(key="user", rate="20/m", method="POST", block=True)
def order_room(request, number):
    """The conversation about one of the customer's orders. A GET only shows it, or offers
    to start one (a cross-site image must not open rooms); the POST opens it."""
    order = get_object_or_404(Order, number=number, user=request.user)
    if request.method == "POST":
        room = services.room_for_order(order=order, customer=request.user)
        return _redirect(request, room.get_absolute_url())
    room = selectors.order_open_room(order=order, customer=request.user)
    if room is not None:
        return redirect(room)
    return render(request, "support/order_room.html", {"order": order})
