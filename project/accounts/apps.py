from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "project.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .roles import roles_sync

        # After every app's migrate, not only this one's: the permissions of apps listed
        # later exist only once their own post_migrate has run.
        post_migrate.connect(lambda **kwargs: roles_sync(), weak=False)
