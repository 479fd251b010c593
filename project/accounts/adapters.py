from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import Http404

from project.core.sealing import text_open, text_seal


class AccountAdapter(DefaultAccountAdapter):
    """Builds e-mail links from SITE_URL so they are right behind a proxy or in a worker."""

    def get_email_confirmation_url(self, request, emailconfirmation):
        url = super().get_email_confirmation_url(request, emailconfirmation)
        if request is None and url.startswith("/"):
            return settings.SITE_URL + url
        return url

    # --- sign-in throttling, per account and address together (see .throttle) ---------------

    @staticmethod
    def _login_of(credentials) -> str:
        return str(credentials.get("email") or credentials.get("username") or "")

    def pre_authenticate(self, request, **credentials):
        from django import forms

        from .throttle import LOGIN, wait_seconds

        super().pre_authenticate(request, **credentials)
        wait = wait_seconds(action=LOGIN, request=request, account=self._login_of(credentials))
        if wait:
            raise forms.ValidationError(
                f"Too many failed sign-ins for this account from your network. Please wait "
                f"{wait} second{'s' if wait != 1 else ''} and try again.",
                code="too_many_login_attempts",
            )

    def authenticate(self, request, **credentials):
        from .throttle import LOGIN, attempts_clear

        user = super().authenticate(request, **credentials)
        if user is not None:
            attempts_clear(action=LOGIN, request=request, account=self._login_of(credentials))
        return user

    def authentication_failed(self, request, **credentials):
        from .throttle import LOGIN, attempt_record

        attempt_record(action=LOGIN, request=request, account=self._login_of(credentials))

    def send_mail(self, template_prefix, email, context):
        # Account e-mails go through the outbox like every other e-mail, so a broker or
        # SMTP outage delays them instead of losing them.
        # They are written in the account's language where it has one (a reset asked for
        # from an English page still reaches a Vietnamese user in Vietnamese).
        from django.utils import translation

        from project.core.mail import in_recipient_language
        from project.core.outbox import email_enqueue

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        user = ctx.get("user")
        with in_recipient_language(user=user, language=translation.get_language()):
            message = self.render_mail(template_prefix, email, ctx)
        email_enqueue(message=message)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """A provider that is installed but not configured (no GOOGLE_CLIENT_ID and secret, no
    SocialApp row) has no sign-in pages: its login and callback URLs answer 404 instead of
    raising `SocialApp.DoesNotExist`."""

    def get_app(self, request, provider, client_id=None):
        from allauth.socialaccount.models import SocialApp

        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404(f"Sign-in with {provider} is not set up on this site.") from None


class MfaAdapter(DefaultMFAAdapter):
    """TOTP keys are sealed at rest, so a database dump or an admin page shows no usable key."""

    def encrypt(self, text: str) -> str:
        return text_seal(text, purpose="mfa.secret")

    def decrypt(self, encrypted_text: str) -> str:
        return text_open(encrypted_text, purpose="mfa.secret")
