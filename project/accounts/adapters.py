from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import Http404


class AccountAdapter(DefaultAccountAdapter):
    """Builds e-mail links from SITE_URL so they are right behind a proxy or in a worker."""

    def get_email_confirmation_url(self, request, emailconfirmation):
        url = super().get_email_confirmation_url(request, emailconfirmation)
        if request is None and url.startswith("/"):
            return settings.SITE_URL + url
        return url

    def send_mail(self, template_prefix, email, context):
        # Account e-mails go through the outbox like every other e-mail, so a broker or
        # SMTP outage delays them instead of losing them.
        from project.core.outbox import email_enqueue

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        email_enqueue(message=self.render_mail(template_prefix, email, ctx))


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
