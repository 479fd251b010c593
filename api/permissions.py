"""Scopes for tokens; the pages' own rules decide the rest (see `api.views`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

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
