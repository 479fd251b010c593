"""The dashboard entry point follows the active role chosen in the header's switcher."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from project.accounts.roles import Role, active_role, user_roles
from project.core.parts import PARTS

from .selectors import CARDS


@login_required
def home(request):
    role = active_role(request)
    if role == Role.ORGANIZER:
        return redirect("organizations:list")
    if role == Role.ADMIN:
        return redirect("admin:index")
    return redirect("dashboards:role", role=role)


@login_required
def role_dashboard(request, role: str):
    if role not in CARDS or role not in user_roles(request.user):
        raise Http404("No such dashboard.")
    context = {"role": Role(role), "parts": PARTS, **CARDS[role](user=request.user)}
    return render(request, f"dashboards/{role}.html", context)
