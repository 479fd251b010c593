"""Scopes for tokens, then the pages' own rules: the back-office role rule for staff
endpoints and the organization scoping for organizer endpoints."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from project.accounts.access import Refusal, access_enforce, access_refusal
from project.organizations.scoping import membership_for

from .models import ApiToken
from .scopes import scopes_grant


class ScopePermission(permissions.BasePermission):
    """A token needs `<area>:read` for safe methods and `<area>:write` for others; a
    session needs a signed-in user unless the view allows anonymous reads."""

    message = _("This token's scopes do not allow this.")

    def has_permission(self, request, view) -> bool:
        area = getattr(view, "scope_area", None)
        anonymous_read = getattr(view, "anonymous_read", False)
        safe = request.method in permissions.SAFE_METHODS
        if isinstance(request.auth, ApiToken):
            return area is not None and scopes_grant(request.auth.scopes, area=area, write=not safe)
        if request.user and request.user.is_authenticated:
            return True
        return anonymous_read and safe


class AccessPermission(permissions.BasePermission):
    """The back-office rule of the pages (`project.accounts.access`), for staff endpoints.
    The view names `access_permissions` (safe methods) and `access_permissions_write`
    (the others, read ones included). Signed out: 401; holding no back-office permission:
    404, as on the pages; holding some but not these: 403 naming the roles that have them."""

    def has_permission(self, request, view) -> bool:
        perms = tuple(view.access_permissions)
        if request.method not in permissions.SAFE_METHODS:
            perms += tuple(getattr(view, "access_permissions_write", ()))
        refusal = access_refusal(request.user, *perms)
        if refusal is None:
            return True
        if refusal is Refusal.SIGN_IN:
            raise exceptions.NotAuthenticated()
        if refusal is Refusal.NOT_FOUND:
            raise exceptions.NotFound()
        try:
            access_enforce(request, *perms)
        except DjangoPermissionDenied as refused:
            raise exceptions.PermissionDenied(str(refused)) from None
        return False


class AccessViewMixin:
    """Keeps the view's permissions on the URL's callback, as `access_required` does, so
    the permission matrix test finds every staff endpoint."""

    access_permissions: tuple[str, ...] = ()
    access_permissions_write: tuple[str, ...] = ()

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.access_permissions = tuple(cls.access_permissions) + tuple(
            cls.access_permissions_write
        )
        return view

    def get_permissions(self):
        return [*super().get_permissions(), AccessPermission()]


class OrganizationMixin:
    """The organizer pages' scoping rule (`organization_view`): `org_slug` must name an
    organization the user is a member of, else 404, as for a slug that does not exist.
    Sets `self.organization` and `self.membership`."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        membership = membership_for(user=request.user, org_slug=kwargs["org_slug"])
        if membership is None:
            raise exceptions.NotFound()
        self.membership = membership
        self.organization = membership.organization
