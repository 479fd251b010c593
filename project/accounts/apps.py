from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "project.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .roles import roles_sync

        post_migrate.connect(lambda **kwargs: roles_sync(), sender=self, weak=False)
