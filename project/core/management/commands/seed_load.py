"""Accounts and stock for the load test (tests/load/), idempotently.

`seed_load --password ...` makes `load001@load.tessera.test` ... (verified e-mail
addresses, one password), an organization with a published event whose ticket type holds
`--capacity` places, and a product with `--stock` units. Run again, it resets the password,
the capacity and the stock, so each run starts from the same state. `--event SLUG` makes
another event of its own (the ticket rush starts each run on a fresh one).
"""

from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from events.models import Event, EventLocation, TicketType
from project.organizations.models import Organization
from shop.currency import shop_currency
from shop.models import Category, Product
from shop.services.catalog import category_save

EMAIL = "load{:03d}@load.tessera.test"
ORGANIZATION = "load-test-club"
EVENT = "load-test-open-day"
PRODUCT = "load-test-keycap-set"


def load_email(number: int) -> str:
    """The address of load account `number` (1-based)."""
    return EMAIL.format(number)


class Command(BaseCommand):
    help = "Create the load test's accounts, event and product (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=100)
        parser.add_argument("--password", required=True)
        parser.add_argument("--event", default=EVENT, help="Slug of the event to sell.")
        parser.add_argument("--capacity", type=int, default=100_000)
        parser.add_argument("--stock", type=int, default=100_000)

    def handle(self, *args, users, password, event, capacity, stock, **options):
        if len(password) < 12:
            raise CommandError("Use a password of at least 12 characters.")
        with transaction.atomic():
            self._accounts(users, password)
            organization, _ = Organization.objects.get_or_create(
                slug=ORGANIZATION,
                defaults={"name": "Load Test Club", "city": "Ho Chi Minh City"},
            )
            ticket_type = self._event(organization, event, capacity)
            product = self._product(stock)
        self.stdout.write(
            f"load: {users} accounts ({load_email(1)} ... {load_email(users)}), "
            f"event {event} ({ticket_type.quantity} places, ticket type {ticket_type.pk}), "
            f"product {product.slug} ({product.stock} in stock)"
        )

    def _accounts(self, count: int, password: str) -> None:
        User = get_user_model()
        hashed = make_password(password)
        emails = [load_email(number) for number in range(1, count + 1)]
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        User.objects.filter(email__in=existing).update(password=hashed)
        User.objects.bulk_create(
            [
                User(email=email, name=f"Load {number:03d}", password=hashed)
                for number, email in enumerate(emails, start=1)
                if email not in existing
            ]
        )
        users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
        verified = set(
            EmailAddress.objects.filter(email__in=emails, verified=True).values_list(
                "email", flat=True
            )
        )
        EmailAddress.objects.filter(email__in=set(emails) - verified).delete()
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user_id=users[email], email=email, verified=True, primary=True)
                for email in emails
                if email not in verified
            ]
        )

    def _event(self, organization, slug: str, capacity: int) -> TicketType:
        starts = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=30)
        event, created = Event.objects.get_or_create(
            slug=slug,
            defaults={
                "organization": organization,
                "time_zone": organization.time_zone,
                "title": f"Load test {slug}",
                "sport_type": "running",
                "format": "offline",
                "status": "published",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=3),
                "description": "An event the load test sells tickets for.",
                "published_at": timezone.now() - timedelta(days=1),
                # Each load account buys again and again; a real crowd is many people.
                "max_tickets_per_customer": 100_000,
            },
        )
        if created:
            EventLocation.objects.create(
                event=event, city="Ho Chi Minh City", address="1 Le Loi", country="VN"
            )
        ticket_type, _ = TicketType.objects.get_or_create(
            event=event,
            name="Runner",
            defaults={"price": Decimal("100000"), "currency": shop_currency(), "quantity": 1},
        )
        # Never below what is already sold or held: the capacity check stays meaningful.
        ticket_type.quantity = max(capacity, ticket_type.sold_or_held)
        ticket_type.save(update_fields=["quantity"])
        return ticket_type

    def _product(self, stock: int) -> Product:
        category = Category.objects.filter(slug="load-test").first() or category_save(
            name="Load test", slug="load-test"
        )
        product, _ = Product.objects.get_or_create(
            slug=PRODUCT,
            defaults={
                "category": category,
                "name": "Load Test Keycap Set",
                "price": Decimal("250000"),
                "currency": shop_currency(),
                "description": "A product the load test buys.",
            },
        )
        Product.objects.filter(pk=product.pk).update(stock=stock + product.reserved)
        product.refresh_from_db()
        return product
