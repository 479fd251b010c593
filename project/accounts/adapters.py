from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site


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
