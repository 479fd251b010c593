"""Organizer dashboard and settings. Every view is scoped with `organization_view`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import OrganizationForm
from .scoping import organization_view, organizations_for_user


@login_required
def organization_list(request):
    organizations = organizations_for_user(request.user).order_by("name")
    if organizations.count() == 1:
        return redirect(organizations.first())
    return render(request, "organizations/list.html", {"organizations": organizations})


@organization_view
def dashboard(request):
    organization = request.organization
    memberships = organization.memberships.select_related("user").order_by("role", "user__email")
    return render(
        request,
        "organizations/dashboard.html",
        {"organization": organization, "memberships": memberships},
    )


@organization_view(owner_only=True)
def settings_edit(request):
    form = OrganizationForm(request.POST or None, instance=request.organization)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Organization saved."))
        return redirect("organizations:dashboard", org_slug=request.organization.slug)
    return render(
        request,
        "organizations/settings.html",
        {"organization": request.organization, "form": form},
    )
