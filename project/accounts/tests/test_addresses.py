"""One address formatter, countries from django-countries and phone numbers from
django-phonenumber-field: what the profile, checkout, order pages and e-mails show."""

import datetime
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from project.accounts.addresses import address_line, address_lines, phone_display
from project.accounts.models import Address
from project.accounts.tests.factories import UserFactory

NOW = datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)
ORDER_ADDRESS = {
    "recipient": "Nguyen Van A",
    "phone": "+84901234567",
    "line1": "12 Le Loi",
    "line2": "",
    "city": "Ho Chi Minh City",
    "postcode": "700000",
    "country": "VN",
}


def test_an_order_address_reads_as_an_envelope_with_the_country_named():
    assert address_lines(ORDER_ADDRESS) == [
        "Nguyen Van A",
        "+84 901 234 567",
        "12 Le Loi",
        "700000 Ho Chi Minh City",
        "Vietnam",
    ]
    assert address_lines({}) == [] and address_lines(None) == []
    assert address_lines(ORDER_ADDRESS, phone=False, recipient=False)[0] == "12 Le Loi"


@pytest.mark.django_db
def test_a_saved_address_and_the_order_copy_of_it_read_the_same():
    user = UserFactory()
    saved = Address.objects.create(user=user, **{**ORDER_ADDRESS, "phone": "090 123 4567"})
    saved.refresh_from_db()
    assert str(saved.phone) == "+84901234567"  # typed without +84: read as Vietnamese
    assert address_lines(saved) == address_lines(ORDER_ADDRESS)
    assert address_line(saved) == "Nguyen Van A, 12 Le Loi, 700000 Ho Chi Minh City, Vietnam"


def test_a_phone_that_is_not_a_number_stays_as_typed():
    assert phone_display("call the front desk") == "call the front desk"
    assert phone_display("+1 202 555 0100") == "+1 202-555-0100"
    assert phone_display("") == ""


@pytest.mark.django_db
def test_profile_address_form_picks_a_country_and_checks_the_phone(client):
    user = UserFactory()
    client.force_login(user)
    form_page = client.get(reverse("accounts:address_new")).content.decode()
    assert re.search(r'<option value="VN"\s+selected\s*>Vietnam</option>', form_page)
    values = {**ORDER_ADDRESS, "label": "Home"}
    response = client.post(
        reverse("accounts:address_new"), {**values, "phone": "12"}, HTTP_HX_REQUEST="true"
    )
    assert "Enter a valid phone number" in response.content.decode()
    assert not Address.objects.exists()

    client.post(reverse("accounts:address_new"), {**values, "phone": "0901234567"})
    assert str(Address.objects.get(user=user).phone) == "+84901234567"
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "+84 901 234 567" in profile and "Vietnam" in profile


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_phone_and_stores_readable_ones_in_e164():
    before = [("accounts", "0004_back_office_permissions")]
    old = _migrate(before)
    OldUser = old.get_model("accounts", "User")
    typed = {
        "a@example.com": "090 123 4567",
        "b@example.com": "+84 (28) 3822 1234",
        "c@example.com": "ask at the desk",
        "d@example.com": "",
    }
    for email, phone in typed.items():
        OldUser.objects.create(email=email, phone=phone, password="!")

    _migrate_to_latest()
    from project.accounts.models import User

    phones = dict(User.objects.values_list("email", "phone"))
    assert {email: str(phone) for email, phone in phones.items()} == {
        "a@example.com": "+84901234567",
        "b@example.com": "+842838221234",
        "c@example.com": "ask at the desk",
        "d@example.com": "",
    }


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_typed_location_countries_into_codes():
    old = _migrate([("events", "0006_ticket_caps_per_customer")])
    Organization = old.get_model("organizations", "Organization")
    Event = old.get_model("events", "Event")
    Location = old.get_model("events", "EventLocation")
    organization = Organization.objects.create(name="Club", slug="club")
    for n, country in enumerate(["Vietnam", "Japan", "sg", "Atlantis"]):
        event = Event.objects.create(
            organization=organization,
            title=f"Meetup {n}",
            slug=f"meetup-{n}",
            starts_at=NOW,
            ends_at=NOW,
        )
        Location.objects.create(event=event, country=country, city="Hanoi")
    _migrate_to_latest()
    from events.models import EventLocation

    codes = [
        str(c)
        for c in EventLocation.objects.order_by("event__slug").values_list("country", flat=True)
    ]
    assert codes == ["VN", "JP", "SG", "VN"]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
