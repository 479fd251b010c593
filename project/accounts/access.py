"""The one rule for who may open a staff, manager or booster page or socket.

Every such view is decorated with `access_required(*perms)` (the permissions are
`roles.Perm`, carried by the role groups) and every such consumer calls `socket_access`.
The answer depends only on the user and the permissions, never on the active role:

- Signed out: the sign-in page, then back (a socket's handshake is refused, 4003).
- Signed in, holding none of the back-office permissions (customers, organizers): 404,
  the page does not exist for them, as another organization's pages do not for an
  organizer. A socket is closed with 4404.
- Signed in, holding some back-office permission but not all of the page's (a booster
  on the staff catalog, a manager on a refund): 403 with the roles that have it, since
  these people know the back office exists. A socket is closed with 4003.

Superusers hold every permission. Objects are still scoped inside the view: a page the
user may open can answer 404 for an object that is not theirs.
"""

from __future__ import annotations

import enum
from functools import wraps

from channels.db import database_sync_to_async
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .roles import ROLE_PERMISSIONS, Perm, Role

SOCKET_CLOSE_REFUSED = 4003
SOCKET_CLOSE_NOT_FOUND = 4404


class Refusal(enum.Enum):
    SIGN_IN = "sign in"
    NOT_FOUND = "not found"
    FORBIDDEN = "forbidden"


SOCKET_CLOSE = {
    Refusal.SIGN_IN: SOCKET_CLOSE_REFUSED,
    Refusal.FORBIDDEN: SOCKET_CLOSE_REFUSED,
    Refusal.NOT_FOUND: SOCKET_CLOSE_NOT_FOUND,
}


def user_in_back_office(user) -> bool:
    """Holds at least one back-office permission (any staff-side role, or a superuser)."""
    return user.is_authenticated and any(user.has_perm(perm) for perm in Perm)


def access_refusal(user, *perms: str) -> Refusal | None:
    """None when `user` holds every one of `perms`, else why not (see the module)."""
    if user is None or not user.is_authenticated:
        return Refusal.SIGN_IN
    if user.has_perms(perms):
        return None
    return Refusal.FORBIDDEN if user_in_back_office(user) else Refusal.NOT_FOUND


def roles_holding(perm: str) -> list[str]:
    """The roles whose groups carry `perm` (the admin role holds them all: left out)."""
    return [
        Role(role).label
        for role, granted in ROLE_PERMISSIONS.items()
        if perm in granted and role != Role.ADMIN
    ]


def access_enforce(request, *perms: str):
    """For a view: None when the user may go on, a sign-in redirect when signed out;
    raises Http404 or PermissionDenied otherwise. `access_required` is this as a
    decorator; call it directly only when the permission depends on the URL."""
    refusal = access_refusal(request.user, *perms)
    if refusal is None:
        return None
    if refusal is Refusal.SIGN_IN:
        return redirect_to_login(request.get_full_path())
    if refusal is Refusal.NOT_FOUND:
        raise Http404("No such page.")
    missing = [perm for perm in perms if not request.user.has_perm(perm)]
    roles = sorted({label for perm in missing for label in roles_holding(perm)})
    raise PermissionDenied(
        format_lazy(
            _("Only these roles open this page: {roles}. Ask an admin if you need it."),
            roles=", ".join(str(role) for role in roles) or Role.ADMIN.label,
        )
    )


def access_required(*perms: str):
    """Decorator for every staff, manager and booster view: the user must hold all of
    `perms` (`roles.Perm`). Goes outermost, so the answer to someone without them does
    not depend on the method or the rate limit. The permissions are kept on the view as
    `access_permissions` for the permission matrix test."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            refused = access_enforce(request, *perms)
            if refused is not None:
                return refused
            return view(request, *args, **kwargs)

        wrapper.access_permissions = perms
        return wrapper

    return decorator


async def socket_access(consumer, *perms: str) -> bool:
    """For a consumer's `connect()`: True when the socket's user holds all of `perms`
    (with none, when signed in); otherwise the handshake is refused with the rule's close
    code and False is returned."""
    user = consumer.scope.get("user")
    refusal = await database_sync_to_async(access_refusal)(user, *perms)
    if refusal is None:
        return True
    await consumer.close(code=SOCKET_CLOSE[refusal])
    return False
