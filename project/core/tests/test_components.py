"""The shared pieces: one status badge, one stock badge and one filter form, the same on
the shop, events and staff pages."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from project.accounts.tests.factories import UserFactory
from project.core.badges import status_badge, stock_badge
from shop.tests.factories import ProductFactory


def render(source, **context):
    return Template("{% load badges %}" + source).render(Context(context)).strip()


def test_a_status_reads_the_same_wherever_it_is_shown():
    assert status_badge("paid", "Paid") == (
        '<span class="badge badge-success" data-status="paid">Paid</span>'
    )
    assert render("{% status_badge 'canceled' 'Canceled' %}").startswith(
        '<span class="badge badge-danger"'
    )
    assert status_badge("draft", "Draft") == '<span class="badge" data-status="draft">Draft</span>'
    assert "&lt;b&gt;" in status_badge("open", "<b>")  # labels are escaped


def test_stock_reads_out_low_or_in_for_products_and_tickets():
    assert ">Out of stock<" in stock_badge(0, low=True)
    assert 'badge-warning" data-stock="low">Only 3 left<' in stock_badge(3, low=True)
    assert ">In stock<" in stock_badge(30, low=False)
    assert ">Sold out<" in render("{% stock_badge 0 low_at=10 kind='ticket' %}")
    assert ">7 left<" in render("{% stock_badge 7 low_at=10 kind='ticket' %}")
    assert ">On sale<" in render("{% stock_badge 70 low_at=10 kind='ticket' %}")


@pytest.mark.django_db
def test_staff_lists_share_the_filter_form_and_the_badges(client):
    ProductFactory(name="Gateron Yellow", stock=0)
    client.force_login(UserFactory(roles=["staff"]))
    for name in ("shop:staff_products", "shop:staff_stock", "shop:staff_order_list"):
        html = client.get(reverse(name)).content.decode()
        assert 'role="search" class="card" data-filter-form' in html, name
        assert f'hx-get="{reverse(name)}"' in html
    products = client.get(reverse("shop:staff_products")).content.decode()
    assert 'data-stock="out">Out of stock<' in products
    listing = client.get(reverse("shop:product_list")).content.decode()
    assert 'data-stock="out">Out of stock<' in listing
