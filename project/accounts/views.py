"""Profile, saved addresses, the WebSocket token and the role switcher."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_ratelimit.decorators import ratelimit

from project.core.redirects import safe_next_url

from . import services
from .forms import AddressForm, ProfileForm
from .models import Address
from .roles import Role, role_activate
from .tokens import ws_ticket_issue, ws_token_for, ws_token_regenerate


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profile saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "addresses": request.user.addresses.all(),
            "ws_token": ws_token_for(request.user),
        },
    )


@login_required
@require_POST
@ratelimit(key="user", rate="30/m", method="POST", block=True)
def ws_ticket(request):
    """A single-use WebSocket ticket for the signed-in user (session + CSRF)."""
    return JsonResponse(
        {"ticket": ws_ticket_issue(user=request.user), "expires_in": settings.WS_TICKET_SECONDS},
        headers={"Cache-Control": "no-store"},
    )


@login_required
def address_form(request, address_id: int | None = None):
    address = get_object_or_404(Address, pk=address_id, user=request.user) if address_id else None
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        services.address_save(user=request.user, form=form)
        messages.success(request, _("Address saved."))
        if request.htmx:
            return HttpResponseClientRedirect(reverse("accounts:profile"))
        return redirect("accounts:profile")
    template = "accounts/address_form.html"
    if request.htmx:
        template += "#address-form"
    return render(request, template, {"form": form, "address": address})


@login_required
@require_POST
def address_delete(request, address_id: int):
    get_object_or_404(Address, pk=address_id, user=request.user)
    services.address_delete(user=request.user, address_id=address_id)
    messages.success(request, _("Address removed."))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_regenerate(request):
    token = ws_token_regenerate(user=request.user)
    messages.success(request, _("A new WebSocket token was made; the old one no longer works."))
    if request.htmx:
        return render(request, "accounts/profile.html#ws-token", {"ws_token": token})
    return redirect("accounts:profile")


@login_required
@require_POST
def role_switch(request):
    role = request.POST.get("role", "")
    try:
        role_activate(request=request, role=role)
    except (PermissionError, ValueError):
        messages.error(request, _("You do not have that role."))
        return redirect("dashboards:home")
    messages.success(
        request, _("You are now working as %(role)s.") % {"role": str(Role(role).label).lower()}
    )
    target = safe_next_url(request, request.POST.get("next"), fallback="dashboards:home")
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)
