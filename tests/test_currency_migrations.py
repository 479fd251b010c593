"""Data migrations across apps: the one-currency migration reprices products (shop) and
ticket types (events). It lives here, not in shop/tests, because the shop names no other
app (shop/tests/test_app_boundaries.py)."""

from decimal import Decimal

import pytest

from shop.models import Product

pytestmark = pytest.mark.django_db


def test_migration_reprices_products_and_ticket_types_into_the_deployments_currency(
    transactional_db,
):
    """Runs the data migrations on rows priced in USD and KZT."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [
        ("shop", "0003_orderstatuschange_internal_note"),
        ("events", "0001_initial"),
        ("organizations", "0001_initial"),
    ]
    call_command("migrate", "events", "0001_initial", verbosity=0)
    call_command("migrate", "organizations", "0001_initial", verbosity=0)
    call_command("migrate", "shop", "0003_orderstatuschange_internal_note", verbosity=0)
    executor = MigrationExecutor(connection)
    old = executor.loader.project_state(before).apps
    category = old.get_model("shop", "Category").objects.create(name="C", slug="c", path="/1/")
    OldProduct = old.get_model("shop", "Product")
    kit = OldProduct.objects.create(
        category=category, name="Kit", slug="kit", price=Decimal("389.00"), currency="USD"
    )
    mug = OldProduct.objects.create(
        category=category, name="Mug", slug="mug", price=Decimal("4500"), currency="KZT"
    )
    case = OldProduct.objects.create(
        category=category, name="Case", slug="case", price=Decimal("2890000"), currency="VND"
    )
    organization = old.get_model("organizations", "Organization").objects.create(
        name="Club", slug="club"
    )
    event = old.get_model("events", "Event").objects.create(
        organization=organization,
        title="Run",
        slug="run",
        starts_at="2027-01-01T05:00Z",
        ends_at="2027-01-01T09:00Z",
    )
    ticket = old.get_model("events", "TicketType").objects.create(
        event=event, name="Entry", price=Decimal("20.00"), currency="USD", quantity=10
    )

    call_command("migrate", verbosity=0)
    rows = {p.slug: (p.price, p.currency) for p in Product.objects.all()}
    assert rows == {
        "kit": (Decimal("9881000.00"), "VND"),
        "mug": (Decimal("225000.00"), "VND"),
        "case": (Decimal("2890000.00"), "VND"),
    }
    from events.models import TicketType

    assert TicketType.objects.values_list("price", "currency").get(pk=ticket.pk) == (
        Decimal("508000.00"),
        "VND",
    )
    assert kit.pk and mug.pk and case.pk
