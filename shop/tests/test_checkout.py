"""Checkout: placing orders (service) and the checkout steps (pages)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import first_refusal
from project.accounts.models import Address
from project.accounts.tests.factories import UserFactory
from shop.models import Cart, CartLine, Order, Product
from shop.services.cart import cart_add
from shop.services.checkout import CheckoutError, order_place
from shop.tests.factories import ProductFactory
from shop.tests.kinds import order_for

pytestmark = pytest.mark.django_db


def stock(product):
    """Units a buyer can still take (on hand less reserved)."""
    product.refresh_from_db()
    return product.available


def place(cart, user, key="key-1", **kwargs):
    options = {"delivery_type": "pickup", "shipping_address": {}, "payment_method": "mock"}
    return order_place(cart=cart, user=user, idempotency_key=key, **(options | kwargs))


def test_order_is_placed_with_server_totals_and_a_readable_number(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    keycaps = ProductFactory(price=Decimal("120000.00"), stock=5, name="Keycaps")
    switches = ProductFactory(price=Decimal("9000.50"), stock=100, name="Switches")
    cart = Cart.objects.create(user=user)
    cart_add(cart=cart, kind="product", ref=str(keycaps.pk), quantity=2, user=user)
    cart_add(cart=cart, kind="product", ref=str(switches.pk), quantity=70, user=user)
    # The price changed while the buyer was deciding: the order takes today's price.
    Product.objects.filter(pk=keycaps.pk).update(price=Decimal("100000.00"))

    with django_capture_on_commit_callbacks(execute=True):
        order = place(cart, user)

    assert order.number == f"TS-{order.created.year}-{order.pk:06d}"
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.total == Decimal("200000.00") + Decimal("630035.00")
    assert [(line.title, line.quantity) for line in order.lines.all()] == [
        ("Keycaps", 2),
        ("Switches", 70),
    ]
    assert list(order.history.values_list("from_status", "to_status")) == [
        ("", "new"),
        ("new", "pending_payment"),
    ]
    assert order.reserved and order.expires_at
    cart.refresh_from_db()
    assert cart.status == Cart.Status.ORDERED
    # The cart's holds became the order's: nothing was given back or taken twice.
    assert stock(keycaps) == 3 and stock(switches) == 30


def test_double_submit_gives_one_order():
    user = UserFactory()
    product = ProductFactory(stock=5)
    cart = Cart.objects.create(user=user)
    cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=1, user=user)
    first = place(cart, user, key="same")
    second = place(cart, user, key="same")
    assert first.pk == second.pk
    assert Order.objects.count() == 1
    assert stock(product) == 4


def test_lapsed_holds_are_taken_again_at_checkout():
    user = UserFactory()
    product = ProductFactory(stock=5)
    cart = Cart.objects.create(user=user)
    cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=2, user=user)
    CartLine.objects.update(held_quantity=0)
    Product.objects.filter(pk=product.pk).update(reserved=0)
    place(cart, user)
    assert stock(product) == 3


def test_checkout_lists_everything_no_longer_available_and_takes_nothing():
    user = UserFactory()
    gone = ProductFactory(stock=5, name="Walnut case")
    short = ProductFactory(stock=5, name="Brass plate")
    fine = ProductFactory(stock=5, name="Cable")
    cart = Cart.objects.create(user=user)
    for product, quantity in ((gone, 1), (short, 3), (fine, 1)):
        cart_add(cart=cart, kind="product", ref=str(product.pk), quantity=quantity, user=user)
    CartLine.objects.update(held_quantity=0)  # every hold lapsed and was given back
    Product.objects.filter(pk=gone.pk).update(stock=0, reserved=0)
    Product.objects.filter(pk=short.pk).update(stock=2, reserved=0)
    Product.objects.filter(pk=fine.pk).update(reserved=0)

    with pytest.raises(CheckoutError) as error:
        place(cart, user)

    assert "Walnut case is sold out." in str(error.value)
    assert "Brass plate: only 2 left, you asked for 3." in str(error.value)
    assert "Cable" not in str(error.value)
    assert stock(fine) == 5 and stock(short) == 2
    assert not Order.objects.exists()
    cart.refresh_from_db()
    assert cart.status == Cart.Status.ACTIVE


def test_delivery_needs_an_address_for_physical_items():
    user = UserFactory()
    cart = Cart.objects.create(user=user)
    cart_add(cart=cart, kind="product", ref=str(ProductFactory().pk), quantity=1, user=user)
    with pytest.raises(CheckoutError, match="address"):
        place(cart, user, delivery_type="delivery")
    with pytest.raises(CheckoutError, match="pickup or delivery"):
        place(cart, user, delivery_type="none")
    order = place(
        cart,
        user,
        delivery_type="delivery",
        shipping_address={
            "recipient": "An Nguyen",
            "line1": "1 Le Loi",
            "city": "Hanoi",
            "country": "VN",
        },
    )
    assert order.shipping_address["city"] == "Hanoi"


def test_digital_only_orders_need_no_delivery(seat_kind):
    user = UserFactory()
    order = order_for(user, ("seat", "soldering", 2), delivery_type="delivery")
    assert order.delivery_type == Order.Delivery.NONE
    assert order.shipping_address == {}


def test_free_orders_are_paid_at_once(seat_kind, django_capture_on_commit_callbacks, mailoutbox):
    seat_kind.seats["soldering"].price = Decimal("0")
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = order_for(user, ("seat", "soldering", 1))
    assert order.status == Order.Status.PAID and order.paid_at
    assert seat_kind.fulfilled == [order.lines.get().pk]
    assert [m.subject for m in mailoutbox] == [f"Payment received for order {order.number}"]


def test_someone_elses_cart_cannot_be_ordered():
    owner, other = UserFactory(), UserFactory()
    cart = Cart.objects.create(user=owner)
    cart_add(cart=cart, kind="product", ref=str(ProductFactory().pk), quantity=1, user=owner)
    with pytest.raises(CheckoutError, match="not yours"):
        place(cart, other)


def test_empty_cart_cannot_be_ordered():
    user = UserFactory()
    with pytest.raises(CheckoutError, match="empty"):
        place(Cart.objects.create(user=user), user)


# --- pages --------------------------------------------------------------------------------


@pytest.fixture
def buyer(client):
    user = UserFactory(verified=True)
    client.force_login(user)
    return user


def add(client, product, quantity=1):
    client.post(
        reverse("shop:cart_add"), {"kind": "product", "ref": product.pk, "quantity": quantity}
    )


def test_checkout_needs_a_verified_email(client):
    user = UserFactory(verified=False)
    client.force_login(user)
    add(client, ProductFactory())
    response = client.get(reverse("shop:checkout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_email")
    assert "verify your e-mail address" in response.content.decode()


def test_checkout_needs_login(client):
    response = client.get(reverse("shop:checkout"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_checkout_steps_for_a_physical_order_with_a_saved_address(client, buyer):
    product = ProductFactory(stock=5, price=Decimal("250000"), name="Walnut case")
    address = Address.objects.create(
        user=buyer,
        recipient="An Nguyen",
        line1="1 Le Loi",
        city="Hanoi",
        country="VN",
        is_default=True,
    )
    add(client, product, 2)

    response = client.get(reverse("shop:checkout"))
    assert response["Location"] == reverse("shop:checkout_address")
    page = client.get(reverse("shop:checkout_address")).content.decode()
    assert "1 Le Loi" in page

    response = client.post(
        reverse("shop:checkout_address"), {"delivery_type": "delivery", "address": "new"}
    )
    assert response.status_code == 200
    assert "Needed for delivery." in response.content.decode()

    response = client.post(
        reverse("shop:checkout_address"), {"delivery_type": "delivery", "address": str(address.pk)}
    )
    assert response["Location"] == reverse("shop:checkout_payment")
    response = client.post(reverse("shop:checkout_payment"), {"payment_method": "bitcoin"})
    assert "Select a valid choice" in response.content.decode()
    response = client.post(reverse("shop:checkout_payment"), {"payment_method": "mock"})
    assert response["Location"] == reverse("shop:checkout_review")

    review = client.get(reverse("shop:checkout_review"))
    text = review.content.decode()
    assert "500.000 ₫" in text and "An Nguyen" in text
    key = review.context["idempotency_key"]

    response = client.post(reverse("shop:checkout_place"), {"idempotency_key": key})
    order = Order.objects.get()
    # Placing starts the payment chosen at step 3: straight to the provider's page.
    payment = order.payments.get()
    assert response["Location"] == reverse("shop:mock_sandbox", args=[payment.reference])
    assert order.shipping_address["line1"] == "1 Le Loi"
    assert order.delivery_type == "delivery" and order.payment_method == "mock"

    # The same form submitted again leads to the same order, without a second payment.
    again = client.post(reverse("shop:checkout_place"), {"idempotency_key": key})
    assert again["Location"] == reverse("shop:payment_start", args=[order.number])
    assert Order.objects.count() == 1
    assert order.payments.count() == 1


def test_checkout_skips_the_address_for_digital_carts(client, buyer, seat_kind):
    client.post(reverse("shop:cart_add"), {"kind": "seat", "ref": "lubing", "quantity": 1})
    assert client.get(reverse("shop:checkout"))["Location"] == reverse("shop:checkout_payment")


def test_place_shows_what_is_gone(client, buyer):
    product = ProductFactory(stock=1, name="Walnut case")
    add(client, product)
    client.post(reverse("shop:checkout_address"), {"delivery_type": "pickup"})
    client.post(reverse("shop:checkout_payment"), {"payment_method": "mock"})
    key = client.get(reverse("shop:checkout_review")).context["idempotency_key"]
    CartLine.objects.update(held_quantity=0)  # the hold lapsed and someone bought it

    response = client.post(reverse("shop:checkout_place"), {"idempotency_key": key}, follow=True)
    assert "Walnut case is sold out." in response.content.decode()
    assert not Order.objects.exists()


def test_checkout_place_is_rate_limited(client, buyer):
    def place():
        return client.post(reverse("shop:checkout_place"), {"idempotency_key": "x"})

    assert first_refusal(place, limit=10) >= 10


NEW_ADDRESS = {
    "delivery_type": "delivery",
    "address": "new",
    "recipient": "Bích Ngọc",
    "phone": "+84 90 123 4567",
    "line1": "12 Nguyễn Huệ",
    "city": "Hồ Chí Minh",
    "postcode": "700000",
    "country": "VN",
}


def checkout_with(client, address_post):
    client.post(reverse("shop:checkout_address"), address_post)
    client.post(reverse("shop:checkout_payment"), {"payment_method": "mock"})
    key = client.get(reverse("shop:checkout_review")).context["idempotency_key"]
    client.post(reverse("shop:checkout_place"), {"idempotency_key": key})


def test_an_address_typed_at_checkout_is_saved_to_the_profile_once(client, buyer):
    product = ProductFactory(stock=5)
    add(client, product)
    page = client.get(reverse("shop:checkout_address")).content.decode()
    checkbox = page.split('name="save_address"')[1].split(">")[0]
    assert "checked" in checkbox and "Save this address to my profile" in page

    checkout_with(client, {**NEW_ADDRESS, "save_address": "on"})
    saved = Address.objects.get(user=buyer)
    assert (saved.recipient, saved.phone, saved.line1, saved.city, saved.country) == (
        "Bích Ngọc",
        "+84 90 123 4567",
        "12 Nguyễn Huệ",
        "Hồ Chí Minh",
        "VN",
    )
    assert saved.is_default
    assert "12 Nguyễn Huệ" in client.get(reverse("accounts:profile")).content.decode()

    # The same address typed again is not saved twice.
    add(client, product)
    checkout_with(client, {**NEW_ADDRESS, "save_address": "on"})
    assert Address.objects.filter(user=buyer).count() == 1
    assert Order.objects.count() == 2


def test_an_unticked_save_keeps_the_address_on_the_order_only(client, buyer):
    add(client, ProductFactory(stock=5))
    checkout_with(client, NEW_ADDRESS)  # the browser sends no save_address when unticked
    assert Order.objects.get().shipping_address["line1"] == "12 Nguyễn Huệ"
    assert not Address.objects.filter(user=buyer).exists()


def test_country_is_a_select_of_iso_countries_defaulting_to_vietnam(client, buyer):
    add(client, ProductFactory(stock=5))
    page = client.get(reverse("shop:checkout_address")).content.decode()
    select = re.sub(r"\s+", " ", page.split('name="country"')[1].split("</select>")[0])
    assert re.search(r'<option value="VN" selected ?>Vietnam</option>', select)
    assert re.search(r'<option value="KZ" ?>Kazakhstan</option>', select)
    assert select.count("<option") > 240
    response = client.post(reverse("shop:checkout_address"), {**NEW_ADDRESS, "country": "XX"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_pickup_shows_the_pickup_location_instead_of_the_address_form(client, buyer, settings):
    settings.SHOP_PICKUP_LOCATION = "Tessera store, 12 Lê Lợi, District 1"
    add(client, ProductFactory(stock=5))
    client.post(reverse("shop:checkout_address"), {"delivery_type": "pickup"})
    page = client.get(reverse("shop:checkout_address")).content.decode()
    assert 'id="delivery-address" class="min-w-0" hidden' in page
    assert "Tessera store, 12 Lê Lợi, District 1" in page.split('id="pickup-location"')[1][:400]
    client.post(reverse("shop:checkout_payment"), {"payment_method": "mock"})
    review = client.get(reverse("shop:checkout_review")).content.decode()
    assert "Tessera store, 12 Lê Lợi, District 1" in review


def test_the_only_payment_method_is_preselected(client, buyer):
    add(client, ProductFactory(stock=5))
    client.post(reverse("shop:checkout_address"), {"delivery_type": "pickup"})
    response = client.get(reverse("shop:checkout_payment"))
    assert [value for value, _ in response.context["form"].fields["payment_method"].choices] == [
        "mock"
    ]
    radio = response.content.decode().split('name="payment_method"')[1].split(">")[0]
    assert "checked" in radio
