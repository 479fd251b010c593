from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Events"

    def ready(self):
        from shop.kinds import kind_register
        from shop.signals import order_paid

        from .kinds import TicketKind
        from .services import cancel, emails  # noqa: F401 - cancel registers its outbox kind

        kind_register(TicketKind())
        order_paid.connect(emails.tickets_email_on_paid, dispatch_uid="events_tickets_email")
