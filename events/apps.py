from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Events"

    def ready(self):
        from shop.kinds import kind_register

        from .kinds import TicketKind
        from .services import cancel, emails  # noqa: F401 - cancel and emails register outbox kinds

        kind_register(TicketKind())
