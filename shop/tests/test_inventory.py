"""The product line kind and the stock ledger: holds, releases, refunds, staff counts and
low-stock alerts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from project.accounts.tests.factories import UserFactory
from shop.kinds import NotAvailable, kind_get
from shop.models import Product, StockMovement
from shop.services.inventory import stock_adjust, stock_change
from shop.tests.factories import ProductFactory
from shop.tests.kinds import order_for, pay
from tests.concurrency import errors, run_together

pytestmark = pytest.mark.django_db


@pytest.fixture
def kind():
    return kind_get("product")


def test_offers_are_one_query_for_active_products_only(kind):
    products = ProductFactory.create_batch(5, stock=3)
    hidden = ProductFactory(active=False)
    refs = [str(p.pk) for p in products] + [str(hidden.pk), "not-a-number", "999999"]
    with CaptureQueriesContext(connection) as captured:
        offers = kind.offers(refs)
    assert len(captured) == 1
    assert set(offers) == {str(p.pk) for p in products}
    offer = offers[str(products[0].pk)]
    assert (
        offer.available == 3 and offer.unit_price == Decimal("250000") and offer.currency == "VND"
    )
    assert offer.is_physical and offer.url == products[0].get_absolute_url()


def test_hold_reserves_without_touching_on_hand_and_writes_a_reservation_row(kind):
    product = ProductFactory(stock=5)
    customer = UserFactory()
    kind.hold(ref=str(product.pk), quantity=2, user=customer)
    product.refresh_from_db()
    assert (product.stock, product.reserved, product.available) == (5, 2, 3)
    movement = StockMovement.objects.get(product=product, ledger="reservation")
    assert (
        movement.kind,
        movement.quantity,
        movement.stock_after,
        movement.reserved_after,
        movement.actor,
    ) == ("reserve", 2, 5, 2, customer)


def test_hold_beyond_stock_is_refused_and_changes_nothing(kind):
    product = ProductFactory(stock=2)
    with pytest.raises(NotAvailable) as error:
        kind.hold(ref=str(product.pk), quantity=3)
    assert error.value.available == 2
    product.refresh_from_db()
    assert product.stock == 2
    assert not StockMovement.objects.exists()


def test_inactive_product_cannot_be_held(kind):
    product = ProductFactory(stock=5, active=False)
    with pytest.raises(NotAvailable) as error:
        kind.hold(ref=str(product.pk), quantity=1)
    assert error.value.available == 0


def test_release_gives_stock_back_with_its_reason(kind):
    product = ProductFactory(stock=5)
    kind.hold(ref=str(product.pk), quantity=4)
    kind.release(ref=str(product.pk), quantity=4, reason="Hold expired")
    product.refresh_from_db()
    assert (product.stock, product.reserved) == (5, 0)
    kinds = list(
        StockMovement.objects.filter(product=product)
        .order_by("pk")
        .values_list("ledger", "kind", "quantity", "reason")
    )
    assert kinds[-1] == ("reservation", "release", -4, "Hold expired")


def test_staff_adjust_records_delta_reason_and_actor():
    product = ProductFactory(stock=7)
    staff = UserFactory(roles=["staff"])
    movement = stock_adjust(product=product, new_stock=3, reason="Stock count", actor=staff)
    assert (
        movement.kind,
        movement.quantity,
        movement.stock_after,
        movement.reason,
        movement.actor,
    ) == (
        "adjust",
        -4,
        3,
        "Stock count",
        staff,
    )
    assert Product.objects.get(pk=product.pk).stock == 3
    with pytest.raises(ValidationError):
        stock_adjust(product=product, new_stock=5, reason="", actor=staff)
    with pytest.raises(ValidationError):
        stock_adjust(product=product, new_stock=-1, reason="oops", actor=staff)


def test_holds_never_send_low_stock_mail(kind, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(roles=["staff"], email="stock@tessera.test")
    product = ProductFactory(name="Gateron Yellow", stock=8, low_stock_threshold=5)

    with django_capture_on_commit_callbacks(execute=True):
        kind.hold(ref=str(product.pk), quantity=6)  # 2 available, but only reserved
        kind.release(ref=str(product.pk), quantity=6)
        kind.hold(ref=str(product.pk), quantity=8)

    assert mailoutbox == []


def stock_mails(mailoutbox) -> list:
    """The staff's stock e-mails, without the buyer's order e-mails."""
    return [mail for mail in mailoutbox if "stock:" in mail.subject.lower()]


def test_a_sale_under_the_threshold_alerts_once_per_period(
    mailoutbox, django_capture_on_commit_callbacks
):
    staff = UserFactory(roles=["staff"], email="stock@tessera.test")
    UserFactory(email="customer@example.com")
    buyer = UserFactory()
    product = ProductFactory(name="Gateron Yellow", stock=8, low_stock_threshold=5)

    with django_capture_on_commit_callbacks(execute=True):
        pay(order_for(buyer, ("product", product.pk, 4)))  # 4 available: under the threshold
    assert len(stock_mails(mailoutbox)) == 1
    mail = stock_mails(mailoutbox)[0]
    assert mail.to == [staff.email]
    assert mail.subject.endswith("Low stock: Gateron Yellow (4 available)")
    assert "/staff/shop/stock/?product=" in mail.body
    assert any(mimetype == "text/html" for _, mimetype in mail.alternatives)

    with django_capture_on_commit_callbacks(execute=True):
        pay(order_for(buyer, ("product", product.pk, 1)))  # a second sale within the period
        stock_adjust(product=product, new_stock=2, reason="Damaged in storage", actor=staff)
    assert len(stock_mails(mailoutbox)) == 1

    # A day later the next sale or count tells the staff again.
    Product.objects.filter(pk=product.pk).update(
        low_stock_alerted_at=timezone.now() - timedelta(hours=25)
    )
    with django_capture_on_commit_callbacks(execute=True):
        stock_adjust(product=product, new_stock=0, reason="Lost", actor=staff)
    assert len(stock_mails(mailoutbox)) == 2
    assert stock_mails(mailoutbox)[1].subject.endswith("Out of stock: Gateron Yellow")


def test_refund_restocks_with_the_order_number(kind):
    from shop.models import Order, OrderLine

    product = ProductFactory(stock=5)
    customer = UserFactory()
    order = Order.objects.create(
        number="TS-2026-000042",
        user=customer,
        email=customer.email,
        currency="VND",
        idempotency_key="k",
    )
    line = OrderLine.objects.create(
        order=order,
        kind="product",
        ref=str(product.pk),
        title=product.name,
        unit_price=product.price,
        quantity=2,
        line_total=product.price * 2,
    )
    kind.hold(ref=str(product.pk), quantity=2)
    kind.fulfil(order_line=line)
    kind.refund(order_line=line, quantity=1, actor=customer)
    product.refresh_from_db()
    assert product.stock == 4
    last = StockMovement.objects.filter(product=product).order_by("-pk").first()
    assert (last.kind, last.quantity, last.reason, last.order) == (
        "in",
        1,
        "Refund TS-2026-000042",
        order,
    )
    assert StockMovement.objects.filter(product=product, kind="out", order=order).exists()


def test_stock_change_refuses_zero():
    with pytest.raises(ValueError):
        stock_change(product_id=ProductFactory().pk, delta=0, kind="adjust", reason="x")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_holds_never_oversell(kind):
    product = ProductFactory(stock=10)

    def buyer(i):
        try:
            kind.hold(ref=str(product.pk), quantity=1)
        except NotAvailable:
            return "refused"
        return "ok"

    results = run_together(40, buyer)

    assert errors(results) == []
    product.refresh_from_db()
    assert results.count("ok") == 10
    assert (product.stock, product.reserved, product.available) == (10, 10, 0)
    assert StockMovement.objects.filter(product=product, kind="reserve").count() == 10
    assert (
        max(StockMovement.objects.filter(product=product).values_list("reserved_after", flat=True))
        == 10
    )


@pytest.mark.django_db
def test_absurd_stock_count_is_a_form_error_not_a_crash(client):
    from project.accounts.roles import Role

    product = ProductFactory(stock=3)
    client.force_login(UserFactory(roles=[Role.STAFF]))
    response = client.post(
        reverse("shop:staff_stock_adjust"),
        {"product": product.pk, "new_stock": 10**20, "reason": "stocktake"},
    )
    assert response.status_code in (200, 400)
    assert "less than or equal to" in response.content.decode()
    product.refresh_from_db()
    assert product.stock == 3


# --- on hand, reserved and available on the staff stock page --------------------------------


@pytest.fixture
def four_in_carts():
    """A kit with 4 units on the shelf, all 4 sitting in shoppers' carts."""
    from shop.services.cart import cart_add
    from shop.tests.kinds import user_cart

    product = ProductFactory(name="Tofu65 kit", stock=0, low_stock_threshold=1)
    stock_adjust(product=product, new_stock=4, reason="Delivery of 4 kits", actor=None)
    shopper = UserFactory()
    cart_add(cart=user_cart(shopper), kind="product", ref=str(product.pk), quantity=3, user=shopper)
    order_for(UserFactory(), ("product", product.pk, 1))  # and one in an unpaid order
    return product


@pytest.fixture
def staff_client(client):
    from project.accounts.roles import Role

    client.force_login(UserFactory(roles=[Role.STAFF]))
    return client


def test_staff_stock_page_shows_on_hand_reserved_and_available(staff_client, four_in_carts):
    page = staff_client.get(
        reverse("shop:staff_stock") + f"?product={four_in_carts.pk}"
    ).content.decode()

    assert '<dd class="text-lg font-semibold" data-on-hand>4</dd>' in page
    assert '<dd class="text-lg font-semibold" data-reserved>4</dd>' in page
    assert '<dd class="text-lg font-semibold" data-available>0</dd>' in page
    # The count form starts from what is on the shelf, not from 0 because of the carts.
    assert 'name="new_stock" value="4"' in page


def test_a_stock_count_sets_on_hand_and_leaves_the_carts_their_units(staff_client, four_in_carts):
    response = staff_client.post(
        reverse("shop:staff_stock_adjust"),
        {"product": four_in_carts.pk, "new_stock": 10, "reason": "Delivery counted"},
        follow=True,
    )

    four_in_carts.refresh_from_db()
    assert (four_in_carts.stock, four_in_carts.reserved, four_in_carts.available) == (10, 4, 6)
    assert "now has 10 on hand (+6)" in response.content.decode()


def test_the_ledger_shows_movements_by_default_and_reservations_on_request(
    staff_client, four_in_carts
):
    url = reverse("shop:staff_stock") + f"?product={four_in_carts.pk}"
    movements = staff_client.get(url).content.decode()
    reservations = staff_client.get(url + "&ledger=reservation").content.decode()

    assert "Delivery of 4 kits" in movements
    assert "Reserved for a cart or order" not in movements
    assert "Reserved for a cart or order" in reservations
    assert "Delivery of 4 kits" not in reservations


def test_low_stock_lists_judge_available_units(staff_client, four_in_carts):
    plenty = ProductFactory(name="Plenty of switches", stock=50, low_stock_threshold=5)

    page = staff_client.get(reverse("shop:staff_stock")).content.decode()
    low = page[page.index('id="low-stock-title"') :]

    assert "Tofu65 kit" in low and "Out of stock" in low  # 4 on hand, none available
    assert plenty.name not in low
