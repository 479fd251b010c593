"""The load kit's own pieces, in-process: the seeded accounts, and what the scenario reads in
the real pages (the add-to-cart forms, and a 200 that carries an error)."""

from dataclasses import dataclass

import pytest
from django.core.management import call_command

from events.models import TicketType
from project.core.management.commands.seed_load import EVENT, PRODUCT, load_email
from shop.models import Product
from tests.load.pages import PRODUCT_REF, TICKET_REF, error_of

pytestmark = pytest.mark.django_db

PASSWORD = "load-password-123"


@dataclass
class Answer:
    """What error_of reads of a response (Locust's and the test client's differ)."""

    status_code: int
    text: str
    headers: dict


def answer(response) -> Answer:
    return Answer(response.status_code, response.content.decode(), dict(response.headers))


def test_seeded_accounts_sign_in_and_a_second_run_resets_the_stock(client):
    call_command("seed_load", users=3, password=PASSWORD, capacity=50, stock=7)
    Product.objects.filter(slug=PRODUCT).update(stock=1)
    call_command("seed_load", users=3, password=PASSWORD, capacity=50, stock=7)

    assert client.login(email=load_email(3), password=PASSWORD)
    assert not client.login(email=load_email(4), password=PASSWORD)
    assert TicketType.objects.get(event__slug=EVENT).quantity == 50
    assert Product.objects.get(slug=PRODUCT).stock == 7


def test_the_scenario_finds_the_add_to_cart_forms(client):
    call_command("seed_load", users=1, password=PASSWORD)
    ticket_type = TicketType.objects.get(event__slug=EVENT)
    product = Product.objects.get(slug=PRODUCT)

    event_page = client.get(f"/events/{EVENT}/").content.decode()
    product_page = client.get(f"/shop/p/{PRODUCT}/").content.decode()

    assert TICKET_REF.findall(event_page) == [str(ticket_type.pk)]
    assert PRODUCT_REF.findall(product_page) == [str(product.pk)]


def test_a_200_carrying_an_error_counts_as_a_failure(client):
    call_command("seed_load", users=1, password=PASSWORD)

    fine = client.get(f"/events/{EVENT}/")
    refused = client.post(
        "/cart/add/",
        {"kind": "product", "ref": "1", "quantity": "0", "next": f"/shop/p/{PRODUCT}/"},
        follow=True,
    )

    assert error_of(answer(fine)) is None
    assert refused.status_code == 200
    assert error_of(answer(refused)) == "200 carrying an error: Choose a quantity between 1 and 99."
    missing = client.get("/events/no-such-event/")
    assert error_of(answer(missing)) == "HTTP 404"
    rate_page = Answer(
        200, "<title>Too many requests · Tessera</title>", {"Content-Type": "text/html"}
    )
    assert error_of(rate_page) == "200 carrying an error page: Too many requests"
