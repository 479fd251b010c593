from allauth.account import apps as allauth_account_apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "project.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import adapters  # noqa: F401 - registers the account e-mail outbox kind
        from .roles import roles_sync

        # After every app's migrate, not only this one's: the permissions of apps listed
        # later exist only once their own post_migrate has run.
        post_migrate.connect(lambda **kwargs: roles_sync(), weak=False)


class EmailAddressesConfig(allauth_account_apps.AccountConfig):
    """allauth's account app, labelled so the admin index does not show two "Accounts"
    sections (ours holds users and addresses, allauth's the e-mail addresses)."""

    default = False
    verbose_name = _("E-mail addresses")
