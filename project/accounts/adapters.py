from datetime import datetime

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import Http404
from django.utils import translation

from project.core.mail import in_recipient_language
from project.core.outbox import outbox_enqueue, outbox_handler
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
        # SMTP outage delays them instead of losing them. The row holds the template and
        # its values (sealed: they carry reset keys), and the worker renders it in the
        # account's language where it has one, else the language it was asked for in (a
        # reset asked for from an English page still reaches a Vietnamese user in Vietnamese).
        outbox_enqueue(
            kind=ACCOUNT_EMAIL,
            payload={
                "template_prefix": template_prefix,
                "email": email,
                "context": context_dump(context),
                "language": translation.get_language() or "",
            },
        )


ACCOUNT_EMAIL = "account_email"


def context_dump(context: dict) -> dict:
    """The JSON form of an allauth e-mail context: plain values as they are, model rows by
    primary key, times in ISO form; the request and the site are found again at send time."""
    from django.db.models import Model

    dumped = {}
    for name, value in context.items():
        if value is None or isinstance(value, str | int | float | bool):
            dumped[name] = value
        elif isinstance(value, Model):
            dumped[name] = {"model": value._meta.label, "pk": value.pk}
        elif isinstance(value, datetime):
            dumped[name] = {"datetime": value.isoformat()}
    return dumped


def context_load(dumped: dict) -> dict:
    from django.apps import apps

    context = {}
    for name, value in dumped.items():
        if isinstance(value, dict) and "model" in value:
            value = apps.get_model(value["model"])._default_manager.filter(pk=value["pk"]).first()
        elif isinstance(value, dict) and "datetime" in value:
            value = datetime.fromisoformat(value["datetime"])
        context[name] = value
    return context


@outbox_handler(ACCOUNT_EMAIL, sealed=True)
def account_email_deliver(payload: dict) -> None:
    from allauth.account.adapter import get_adapter
    from django.contrib.sites.models import Site

    context = {"email": payload["email"], "current_site": Site.objects.get_current()}
    context.update(context_load(payload["context"]))
    with in_recipient_language(user=context.get("user"), language=payload.get("language", "")):
        message = get_adapter().render_mail(payload["template_prefix"], payload["email"], context)
    message.send()


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
