"""The scoping rule for organizer pages.

Every organizer view takes `org_slug` from the URL and goes through `organization_view`:
the organization must be one the user is a member of, otherwise the answer is 404 — the same
answer as for a slug that does not exist, so nobody can probe for other organizations.
Objects inside an organization are fetched with `get_for_organization_or_404`, which adds
the organization filter to the queryset, so an id from another organization is a 404 too.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership, Organization


def organizations_for_user(user):
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user)


def get_for_organization_or_404(queryset, *, organization, field="organization", **lookup):
    """Fetch one object of `queryset` that belongs to `organization`, or raise 404."""
    return get_object_or_404(queryset.filter(**{field: organization}), **lookup)


def membership_for(*, user, org_slug: str, owner_only: bool = False) -> Membership | None:
    """The user's membership of the organization `org_slug` (with it), or None: the one
    check behind `organization_view` and the API's organizer endpoints."""
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.select_related("organization").filter(
        user=user, organization__slug=org_slug
    )
    if owner_only:
        memberships = memberships.filter(role=Membership.Role.OWNER)
    return memberships.first()


def organization_view(view=None, *, owner_only=False):
    """Decorator for organizer views: login required, `org_slug` resolved to
    `request.organization` (404 unless the user is a member), `request.membership` set."""

    def decorator(func):
        @login_required
        @wraps(func)
        def wrapper(request, org_slug, *args, **kwargs):
            membership = membership_for(user=request.user, org_slug=org_slug, owner_only=owner_only)
            if membership is None:
                raise Http404("No such organization.")
            request.organization = membership.organization
            request.membership = membership
            return func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
