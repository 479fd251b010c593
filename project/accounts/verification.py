"""`verified_email_required`: a view that needs the user's e-mail address verified through
allauth (an `EmailAddress` with verified=True).

Where it is used, and why (SPEC: "mandatory e-mail verification before checkout"): every
step of the checkout, and the one-step free event registration, which places an order
too. The order e-mails, tickets and invoices go to that address, so it must be one the
buyer has shown they read. Browsing, the cart, the profile and support chat do not need it.

Unlike allauth's decorator of the same name, it does not send a mail and render its own
page: the user lands on the e-mail settings page with a message saying why, where they
can send the verification again.
"""

from __future__ import annotations

from functools import wraps

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

DEFAULT_MESSAGE = _("Please verify your e-mail address first.")


def email_verified(user) -> bool:
    return user.is_authenticated and EmailAddress.objects.filter(user=user, verified=True).exists()


def verified_email_required(view=None, *, message=DEFAULT_MESSAGE):
    """Signed in (else the login page) with a verified address (else the e-mail page, with
    `message`). Use bare (`@verified_email_required`) or with `message=`."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not email_verified(request.user):
                messages.warning(request, message)
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(redirect("account_email").url)
                return redirect("account_email")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
