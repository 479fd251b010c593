"""Two-factor authentication for the roles that refund or read customer data.

allauth's MFA (TOTP, with recovery codes) is offered to everyone. With
MFA_REQUIRED_FOR_STAFF on (the production default), a staff member, manager, organizer or
superuser without a TOTP authenticator is sent to set one up before any page but the
account pages, the admin included; allauth then asks for a code at every sign-in."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .roles import Role, user_roles

MFA_ROLES = {Role.STAFF, Role.MANAGER, Role.ORGANIZER, Role.ADMIN}
# Sign-in, sign-out, re-authentication and the MFA pages themselves, and what carries no
# customer data.
OPEN_PREFIXES = ("/accounts/", "/static/", "/media/", "/healthz", "/metrics")


def mfa_required(user) -> bool:
    if not (settings.MFA_REQUIRED_FOR_STAFF and user.is_authenticated):
        return False
    return user.is_superuser or bool(MFA_ROLES.intersection(user_roles(user)))


def mfa_has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and not request.path.startswith(OPEN_PREFIXES)
            and mfa_required(user)
            and not mfa_has_totp(user)
        ):
            url = f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}"
            if getattr(request, "htmx", False):
                from django_htmx.http import HttpResponseClientRedirect

                return HttpResponseClientRedirect(url)
            return redirect(url)
        return self.get_response(request)
