"""The dashboard entry point follows the active role chosen in the header's switcher."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from project.accounts.access import access_enforce
from project.accounts.roles import Perm, Role, active_role
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


# Every signed-in person is a customer; the other dashboards need their role's permission.
DASHBOARD_PERMISSIONS = {
    Role.CUSTOMER: (),
    Role.STAFF: (Perm.DASHBOARD_STAFF,),
    Role.MANAGER: (Perm.DASHBOARD_MANAGER,),
    Role.BOOSTER: (Perm.DASHBOARD_BOOSTER,),
}


@login_required
def role_dashboard(request, role: str):
    if role not in CARDS:
        raise Http404("No such dashboard.")
    refused = access_enforce(request, *DASHBOARD_PERMISSIONS[role])
    if refused is not None:
        return refused
    context = {"role": Role(role), "parts": PARTS, **CARDS[role](user=request.user)}
    return render(request, f"dashboards/{role}.html", context)
