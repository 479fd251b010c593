from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Events"

    def ready(self):
        from shop.kinds import kind_register

        from .kinds import TicketKind
        from .services import emails  # noqa: F401 - registers the tickets e-mail handler

        kind_register(TicketKind())
