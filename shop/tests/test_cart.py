"""Cart: adding, holds and their expiry, the hold limit, merging at login, the HTMX pages."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import first_refusal
from project.accounts.tests.factories import PASSWORD, UserFactory
from shop.models import Cart, CartLine
from shop.selectors.cart import cart_totals
from shop.services.cart import (
    CartError,
    cart_add,
    cart_line_remove,
    cart_line_set_quantity,
    cart_merge,
    hold_expire_overdue,
)
from shop.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def stock(product):
    """Units a buyer can still take (on hand less reserved)."""
    product.refresh_from_db()
    return product.available


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def cart(user):
    return Cart.objects.create(user=user)


def test_adding_twice_increments_the_line_and_holds_both(cart, user):
    product = ProductFactory(stock=10)
    cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=2, user=user)
    cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=3, user=user)

    line = cart.lines.get()
    assert line.quantity == 5
    assert line.held_quantity == 5
    assert line.hold_expires_at > timezone.now() + timedelta(minutes=14)
    assert stock(product) == 5


def test_adding_more_than_left_is_refused_with_the_number_left(cart, user):
    product = ProductFactory(stock=3, name="Blue switches")
    cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=2, user=user)
    with pytest.raises(CartError, match="Only 3 of Blue switches"):
        cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=2, user=user)
    assert cart.lines.get().quantity == 2
    assert stock(product) == 1


@pytest.mark.parametrize(
    ("kind", "ref", "quantity", "message"),
    [
        ("spaceship", "1", 1, "do not sell"),
        ("product", "999999", 1, "not on sale"),
        ("product", "abc", 1, "not on sale"),
        ("product", "{pk}", 0, "at least 1"),
        ("product", "{pk}", "many", "whole number"),
    ],
)
def test_bad_items_and_quantities_are_refused_clearly(cart, user, kind, ref, quantity, message):
    product = ProductFactory()
    with pytest.raises(CartError, match=message):
        cart_add(cart=cart, kind=kind, ref=ref.format(pk=product.pk), quantity=quantity, user=user)


def test_inactive_product_cannot_be_added(cart, user):
    product = ProductFactory(active=False)
    with pytest.raises(CartError, match="not on sale"):
        cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=1, user=user)


def test_quantity_changes_take_and_give_back_stock(cart, user):
    product = ProductFactory(stock=10)
    line = cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=2, user=user)
    cart_line_set_quantity(line=line, quantity=6, user=user)
    assert stock(product) == 4
    cart_line_set_quantity(line=line, quantity=1, user=user)
    assert stock(product) == 9
    cart_line_remove(line=line)
    assert stock(product) == 10
    assert not cart.lines.exists()


def test_hold_expiry_releases_stock_and_the_next_view_takes_it_again(client, user, cart):
    product = ProductFactory(stock=4)
    cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=3, user=user)
    assert stock(product) == 1
    CartLine.objects.update(hold_expires_at=timezone.now() - timedelta(seconds=1))

    from shop.tasks import hold_expire_overdue as hold_expire_task

    assert hold_expire_task.delay().get() == 1  # the beat task, run eagerly
    assert hold_expire_overdue() == 0
    assert stock(product) == 4
    line = cart.lines.get()
    assert line.held_quantity == 0
    assert cart_totals(cart).items[0].problem == "Not reserved any more."

    client.force_login(user)
    response = client.get(reverse("shop:cart"))
    assert response.status_code == 200
    line.refresh_from_db()
    assert line.held_quantity == 3
    assert stock(product) == 1
    assert "Reserved for you" in response.content.decode()


def test_expired_hold_that_cannot_be_taken_again_shows_the_line_unavailable(client, user, cart):
    product = ProductFactory(stock=2, name="Walnut case")
    cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=2, user=user)
    CartLine.objects.update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    hold_expire_overdue()
    other = UserFactory()
    cart_add(
        cart=Cart.objects.create(user=other),
        kind="product",
        ref=str(product.pk),
        quantity=1,
        user=other,
    )

    client.force_login(user)
    page = client.get(reverse("shop:cart")).content.decode()
    assert "Only 1 of Walnut case can be in your cart right now." in page
    assert "Only 1 available." in page
    assert "disabled>Check out" in page


def test_holds_of_ordered_carts_are_not_released_by_the_task(user):
    from shop.tests.kinds import order_for

    product = ProductFactory(stock=5)
    order_for(user, ("product", product.pk, 2))
    CartLine.objects.update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    assert hold_expire_overdue() == 0
    assert stock(product) == 3


def test_a_buyer_can_hold_only_a_limited_number_of_items(cart, user, settings):
    settings.SHOP_MAX_HOLDS_PER_USER = 2
    products = ProductFactory.create_batch(3)
    cart_add(cart=cart, kind="product", ref=str(products[0].pk), quantity=1, user=user)
    cart_add(cart=cart, kind="product", ref=str(products[1].pk), quantity=1, user=user)
    with pytest.raises(CartError, match="at most 2 different items"):
        cart_add(cart=cart, kind="product", ref=str(products[2].pk), quantity=1, user=user)
    # More of an item already held is fine.
    cart_add(cart=cart, kind="product", ref=str(products[0].pk), quantity=1, user=user)
    assert stock(products[2]) == 10


def test_one_active_cart_per_user_is_enforced_by_the_database(user, cart):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Cart.objects.create(user=user)


def test_a_kind_the_shop_does_not_know_works_through_the_contract(cart, user, seat_kind):
    cart_add(cart=cart, kind="seat", ref="lubing", quantity=2, user=user)
    assert seat_kind.seats["lubing"].available == 1
    summary = cart_totals(cart)
    assert summary.total == 300000
    assert not summary.is_physical
    with pytest.raises(CartError, match="Only 3 of Switch lubing workshop"):
        cart_add(cart=cart, kind="seat", ref="lubing", quantity=2, user=user)


def test_mixed_currencies_are_refused(cart, user):
    cart_add(
        cart=cart, kind="product", ref=str(ProductFactory(currency="VND").pk), quantity=1, user=user
    )
    with pytest.raises(CartError, match="another currency"):
        cart_add(
            cart=cart,
            kind="product",
            ref=str(ProductFactory(currency="USD").pk),
            quantity=1,
            user=user,
        )


def test_totals_call_each_kind_once(cart, user, seat_kind):
    for product in ProductFactory.create_batch(3, price=1000):
        cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=2, user=user)
    cart_add(cart=cart, kind="seat", ref="soldering", quantity=1, user=user)
    seat_kind.offers_calls = 0
    summary = cart_totals(cart)
    assert seat_kind.offers_calls == 1
    assert summary.count == 7
    assert summary.subtotal == 6000 + 200000


# --- merging at login ---------------------------------------------------------------------


def test_merge_sums_quantities_capped_at_what_is_available(user, cart):
    product = ProductFactory(stock=5, name="Keycap set")
    other = ProductFactory(stock=4, name="Switch tester")
    cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=2, user=user)
    cart_add(cart=cart, kind="product", ref=str(other.pk), quantity=3, user=user)
    # The user's hold on the switch testers lapses and gives the 3 units back.
    CartLine.objects.filter(cart=cart, ref=str(other.pk)).update(
        hold_expires_at=timezone.now() - timedelta(seconds=1)
    )
    hold_expire_overdue()
    guest = Cart.objects.create(session_key="s")
    cart_add(cart=guest, kind="product", ref=str(product.pk), quantity=2)
    cart_add(cart=guest, kind="product", ref=str(other.pk), quantity=2)

    messages = cart_merge(guest_cart=guest, user_cart=cart, user=user)

    # 2 + 2 keycap sets fit in what both carts held: summed, nothing to say.
    line = cart.lines.get(ref=str(product.pk))
    assert line.quantity == 4 and line.held_quantity == 4
    # 3 + 2 switch testers do not: 4 are left, so the line is capped there, and held.
    line = cart.lines.get(ref=str(other.pk))
    assert line.quantity == 4 and line.held_quantity == 4
    assert stock(other) == 0
    assert messages == ["Only 4 of Switch tester could be kept in your cart (you asked for 5)."]
    guest.refresh_from_db()
    assert guest.status == Cart.Status.MERGED


def test_merge_caps_and_says_so(user, cart):
    product = ProductFactory(stock=4, name="Keycap set")
    guest = Cart.objects.create(session_key="s")
    cart_add(cart=guest, kind="product", ref=str(product.pk), quantity=3)
    cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=1, user=user)
    CartLine.objects.filter(cart=cart).update(held_quantity=0)  # the user's hold lapsed
    ProductFactory._meta.model.objects.filter(pk=product.pk).update(stock=0)

    messages = cart_merge(guest_cart=guest, user_cart=cart, user=user)

    line = cart.lines.get()
    assert line.quantity == 3
    assert messages == ["Only 3 of Keycap set could be kept in your cart (you asked for 4)."]


def test_login_through_the_form_keeps_the_guest_cart(client):
    product = ProductFactory(stock=3, name="Keycap set")
    user = UserFactory(verified=True)
    existing = Cart.objects.create(user=user)
    cart_add(cart=existing, kind="product", ref=str(product.pk), quantity=2, user=user)

    client.post(reverse("shop:cart_add"), {"kind": "product", "ref": product.pk, "quantity": 1})
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    line = CartLine.objects.get(cart__user=user, cart__status=Cart.Status.ACTIVE)
    assert line.quantity == 3
    assert not Cart.objects.filter(user__isnull=True, status=Cart.Status.ACTIVE).exists()

    page = client.get(reverse("shop:cart")).content.decode()
    assert "Keycap set" in page


def test_login_with_capped_merge_shows_the_message(client):
    product = ProductFactory(stock=3, name="Keycap set")
    user = UserFactory(verified=True)
    client.post(reverse("shop:cart_add"), {"kind": "product", "ref": product.pk, "quantity": 2})
    mine = Cart.objects.create(user=user)
    cart_add(cart=mine, kind="product", ref=str(product.pk), quantity=1, user=user)
    CartLine.objects.filter(cart=mine).update(held_quantity=0)
    ProductFactory._meta.model.objects.filter(pk=product.pk).update(stock=0)

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    text = response.content.decode()
    assert "Only 2 of Keycap set could be kept in your cart (you asked for 3)." in text


def test_guest_cart_is_adopted_when_the_user_has_none(client):
    product = ProductFactory(stock=3)
    user = UserFactory(verified=True)
    client.post(reverse("shop:cart_add"), {"kind": "product", "ref": product.pk, "quantity": 2})
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    cart = Cart.objects.get(user=user, status=Cart.Status.ACTIVE)
    assert cart.lines.get().quantity == 2


# --- pages --------------------------------------------------------------------------------


def test_add_to_cart_with_htmx_answers_with_a_toast_and_the_cart_changed_event(client):
    product = ProductFactory(name="Brass plate")
    response = client.post(
        reverse("shop:cart_add"),
        {"kind": "product", "ref": product.pk, "quantity": 2},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Added 2 × Brass plate to your cart." in response.content.decode()
    assert "cart-changed" in response["HX-Trigger"]
    mini = client.get(reverse("shop:mini_cart")).content.decode()
    assert 'data-testid="mini-cart-count"' in mini and ">2<" in mini


def test_add_to_cart_without_htmx_redirects_back_with_a_message(client):
    product = ProductFactory(name="Brass plate")
    response = client.post(
        reverse("shop:cart_add"),
        {"kind": "product", "ref": product.pk, "quantity": 1},
        HTTP_REFERER="/shop/brass-plate/",
    )
    assert response.status_code == 302 and response["Location"] == "/shop/brass-plate/"
    page = client.get(reverse("shop:cart")).content.decode()
    assert "Added 1 × Brass plate to your cart." in page


def test_add_to_cart_ignores_a_foreign_referer(client):
    product = ProductFactory()
    response = client.post(
        reverse("shop:cart_add"),
        {"kind": "product", "ref": product.pk, "quantity": 1},
        HTTP_REFERER="https://evil.example/",
    )
    assert response["Location"] == reverse("shop:cart")


@pytest.mark.parametrize(
    ("data", "status", "text"),
    [
        ({"kind": "product", "ref": "999999", "quantity": 1}, 409, "not on sale"),
        ({"kind": "product", "ref": "{pk}", "quantity": 0}, 400, "between 1 and 99"),
        ({"kind": "product", "ref": "{pk}", "quantity": "x"}, 400, "between 1 and 99"),
        ({"ref": "{pk}", "quantity": 1}, 400, "cannot be added"),
    ],
)
def test_add_to_cart_bad_input_is_a_clear_htmx_error(client, data, status, text):
    product = ProductFactory()
    data = {key: str(value).format(pk=product.pk) for key, value in data.items()}
    response = client.post(reverse("shop:cart_add"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == status
    assert text in response.content.decode()
    toast = json.loads(response["HX-Trigger"])["toast"]["html"]
    assert text in toast


def test_add_to_cart_is_rate_limited(client):
    product = ProductFactory(stock=100)

    def add():
        return client.post(
            reverse("shop:cart_add"), {"kind": "product", "ref": product.pk, "quantity": 1}
        )

    assert first_refusal(add, limit=30) >= 30


def test_cart_page_changes_quantity_and_removes_with_htmx(client):
    product = ProductFactory(stock=10, price=1000, name="Brass plate")
    client.post(reverse("shop:cart_add"), {"kind": "product", "ref": product.pk, "quantity": 1})
    line = CartLine.objects.get()

    response = client.post(
        reverse("shop:cart_line_update", args=[line.pk]), {"quantity": 4}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="cart-body"')
    assert "4.000" in body
    assert "cart-changed" in response["HX-Trigger"]
    assert stock(product) == 6

    response = client.post(
        reverse("shop:cart_line_update", args=[line.pk]), {"quantity": 50}, HTTP_HX_REQUEST="true"
    )
    assert "Only 10 of Brass plate can be in your cart right now." in response.content.decode()

    response = client.post(reverse("shop:cart_line_remove", args=[line.pk]), HTTP_HX_REQUEST="true")
    assert "Your cart is empty" in response.content.decode()
    assert stock(product) == 10


def test_someone_elses_cart_line_is_404(client):
    product = ProductFactory()
    owner = UserFactory()
    line = cart_add(
        cart=Cart.objects.create(user=owner),
        kind="product",
        ref=str(product.pk),
        quantity=1,
        user=owner,
    )
    client.force_login(UserFactory())
    response = client.post(reverse("shop:cart_line_remove", args=[line.pk]))
    assert response.status_code == 404
    assert CartLine.objects.filter(pk=line.pk).exists()


def test_empty_cart_page(client):
    response = client.get(reverse("shop:cart"))
    assert "Your cart is empty" in response.content.decode()


def test_cart_page_queries_do_not_grow_with_lines(client, django_assert_num_queries, settings):
    settings.SHOP_MAX_HOLDS_PER_USER = 50
    user = UserFactory()
    cart = Cart.objects.create(user=user)
    client.force_login(user)
    cart_add(cart=cart, kind="product", ref=str(ProductFactory().pk), quantity=1, user=user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("shop:cart")).status_code == 200
    products = ProductFactory.create_batch(49, stock=5)
    for product in products:
        cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=1, user=user)
    with django_assert_num_queries(len(one)):
        page = client.get(reverse("shop:cart")).content.decode()
    assert products[-1].name in page


def test_a_checked_out_cart_cannot_take_stock_again():
    """A quantity change that waited for checkout's lock must not hold stock for a cart
    that is already an order (nothing would ever give it back)."""
    from shop.models import Cart
    from shop.services.cart import (
        CartError,
        cart_add,
        cart_holds_refresh,
        cart_line_remove,
        cart_line_set_quantity,
    )

    user = UserFactory()
    product = ProductFactory(stock=10)
    cart = Cart.objects.create(user=user)
    line = cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=2, user=user)
    Cart.objects.filter(pk=cart.pk).update(status=Cart.Status.ORDERED)
    CartLine.objects.filter(pk=line.pk).update(held_quantity=0, hold_expires_at=None)

    with pytest.raises(CartError, match="already been checked out"):
        cart_line_set_quantity(line=line, quantity=5, user=user)
    with pytest.raises(CartError, match="already been checked out"):
        cart_line_remove(line=line)
    assert cart_holds_refresh(cart=cart, user=user) == []
    product.refresh_from_db()
    assert (product.stock, product.available) == (10, 8)  # only what the order took


def test_toggling_a_cart_line_20_times_sends_staff_no_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(roles=["staff"], email="stock@tessera.test")
    product = ProductFactory(stock=6, low_stock_threshold=5, name="Gateron Yellow")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("shop:cart_add"), {"kind": "product", "ref": product.pk, "quantity": 1})
    line = CartLine.objects.get()
    url = reverse("shop:cart_line_update", args=[line.pk])

    for i in range(20):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, {"quantity": 2 if i % 2 else 1}).status_code == 302

    assert mailoutbox == []
    assert stock(product) == 4  # the hold follows the toggles, nothing was sold


def test_cart_line_changes_are_rate_limited(client):
    product = ProductFactory(stock=10)
    client.post(reverse("shop:cart_add"), {"kind": "product", "ref": product.pk, "quantity": 1})
    line = CartLine.objects.get()
    url = reverse("shop:cart_line_update", args=[line.pk])
    toggle = iter(range(1000))

    def change():
        return client.post(url, {"quantity": 1 + next(toggle) % 2})

    assert first_refusal(change, limit=30) >= 30
