from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support"

    def ready(self):
        from . import services  # noqa: F401 - registers the missed-reply e-mail outbox kind
