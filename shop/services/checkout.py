"""Placing an order, from a cart or without one.

`order_create` makes an unpaid order of some items: it prices them from the kinds' current
offers to the buyer, reserves what they do not hold yet (through the reservation module)
and creates the order and its lines. A renewal task calls it with no cart.

`order_place` is "lock the cart, then `order_create`", in one transaction: it checks the
per-customer caps under the cart lock, hands the cart's lines (and what they hold) to
`order_create` and moves the cart to "ordered". A second submit with the same idempotency
key returns the first order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from project.accounts.addresses import ADDRESS_REQUIRED, address_values
from project.core.locks import lock_timeout
from shop.kinds import ATTENDEE_NAME_MAX_LENGTH, ATTENDEE_NAMES_KEY, FulfilRefused, kind_get
from shop.models import Cart, CartLine, Order, OrderLine
from shop.selectors.cart import offers_for_lines

from .cart import CartError, customer_caps_check, reservations_expire_due_for
from .orders import order_history_start, order_pay, order_transition


class CheckoutError(ValueError):
    """The order cannot be placed; the message is safe to show the buyer."""

    def __init__(self, message: str, *, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


def order_number_for(order: Order) -> str:
    return f"TS-{order.created.year}-{order.pk:06d}"


def _clean_address(delivery_type: str, address: dict | None, physical: bool) -> tuple[str, dict]:
    if not physical:
        return Order.Delivery.NONE, {}
    if delivery_type not in (Order.Delivery.PICKUP, Order.Delivery.DELIVERY):
        raise CheckoutError("Choose pickup or delivery for the items we ship.")
    if delivery_type == Order.Delivery.PICKUP:
        return delivery_type, {}
    address = address_values(address or {})
    missing = [key for key in ADDRESS_REQUIRED if not address[key]]
    if missing:
        raise CheckoutError("Delivery needs an address with a recipient, street, city and country.")
    return delivery_type, address


def attendee_names_check(*, lines: list[CartLine], attendee_names: dict | None) -> dict:
    """The names typed at checkout, by cart line pk (as a string), for lines whose kind asks
    for them: one a place, in place order, "" for a blank place. Raises CheckoutError on
    names for other lines, more names than places, names too long or with NUL."""
    by_pk = {str(line.pk): line for line in lines}
    cleaned = {}
    for pk, names in (attendee_names or {}).items():
        line = by_pk.get(str(pk))
        if line is None or not getattr(kind_get(line.kind), "asks_attendee_names", False):
            raise CheckoutError("Names were given for an item that takes none.")
        if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
            raise CheckoutError("The attendee names could not be read; please type them again.")
        names = [" ".join(name.split()) for name in names]
        while names and not names[-1]:
            names.pop()
        if len(names) > line.quantity:
            raise CheckoutError(f"Give at most {line.quantity} names, one a place.")
        if any(len(name) > ATTENDEE_NAME_MAX_LENGTH for name in names):
            raise CheckoutError(f"A name can be at most {ATTENDEE_NAME_MAX_LENGTH} characters.")
        if any("\x00" in name for name in names):
            raise CheckoutError("A name cannot contain null characters.")
        if names:
            cleaned[str(line.pk)] = names
    return cleaned


def order_place(
    *,
    cart: Cart,
    user,
    idempotency_key: str,
    delivery_type: str,
    shipping_address: dict | None,
    payment_method: str,
    attendee_names: dict | None = None,
) -> Order:
    """Turn the cart into an order. `attendee_names` (optional) are the names typed at
    checkout, by cart line pk (see `attendee_names_check`); they go on the order lines.

    Expiry is settled first (`reservations_expire_due`), so expired holds of other buyers
    never block this one. The kinds' per-customer caps are checked again under the cart lock.

    Locks: the cart row and its lines (`select_for_update`), then `order_create`'s: the
    parts of the lines whose hold lapsed, taken by the reservation module in its global
    (kind, ref) order, so two checkouts never wait on each other in a cycle. Raises
    CheckoutError listing what is no longer available; nothing is taken then (the
    transaction rolls back)."""
    idempotency_key = (idempotency_key or "").strip()
    if not idempotency_key or len(idempotency_key) > 64:
        raise CheckoutError("This checkout form has expired; please review your order again.")
    existing = Order.objects.filter(user=user, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    # Expired holds and overdue orders (this cart's own included) give their units back
    # first, so only live reservations stand in the way.
    reservations_expire_due_for(CartLine.objects.filter(cart_id=cart.pk).values_list("kind", "ref"))
    try:
        return _place(
            cart=cart,
            user=user,
            idempotency_key=idempotency_key,
            delivery_type=delivery_type,
            shipping_address=shipping_address,
            payment_method=payment_method,
            attendee_names=attendee_names,
        )
    except IntegrityError:
        # A concurrent submit with the same key committed first.
        existing = Order.objects.filter(user=user, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing


def _place(
    *, cart, user, idempotency_key, delivery_type, shipping_address, payment_method, attendee_names
):
    with transaction.atomic():
        with lock_timeout():
            cart = Cart.objects.select_for_update().filter(pk=cart.pk).first()
        if cart is None or cart.user_id != user.pk:
            raise CheckoutError("This cart is not yours.")
        if cart.status != Cart.Status.ACTIVE:
            existing = Order.objects.filter(user=user, idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
            raise CheckoutError("This cart has already been checked out.")
        # Locking the lines keeps the hold-expiry task from giving back a hold this order
        # is about to take over (it skips locked lines).
        with lock_timeout():
            lines = sorted(
                CartLine.objects.select_for_update().filter(cart=cart),
                key=lambda line: (line.kind, line.ref),
            )
        if not lines:
            raise CheckoutError("Your cart is empty.")
        names = attendee_names_check(lines=lines, attendee_names=attendee_names)
        problems = []
        for line in lines:
            try:
                customer_caps_check(
                    line_kind=kind_get(line.kind),
                    cart=cart,
                    ref=line.ref,
                    quantity=line.quantity,
                    user=user,
                    line=line,
                )
            except CartError as exc:
                problems.append(str(exc))
        if problems:
            raise CheckoutError(_problems_message(problems), problems=problems)

        order = order_create(
            user=user,
            items=[
                OrderItem(
                    kind=line.kind,
                    ref=line.ref,
                    quantity=line.quantity,
                    held=line.held_quantity,
                    data=(
                        {**line.data, ATTENDEE_NAMES_KEY: names[str(line.pk)]}
                        if str(line.pk) in names
                        else line.data
                    ),
                )
                for line in lines
            ],
            idempotency_key=idempotency_key,
            delivery_type=delivery_type,
            shipping_address=shipping_address,
            payment_method=payment_method,
        )
        # The order holds the units now; the cart lines keep a record only.
        CartLine.objects.filter(cart=cart).update(held_quantity=0, hold_expires_at=None)
        cart.status = Cart.Status.ORDERED
        cart.save(update_fields=["status", "updated"])
    return order


@dataclass(frozen=True)
class OrderItem:
    """One line of an order to create: `quantity` of `kind:ref`, of which `held` units are
    reserved already (by the cart the order comes from); `data` goes on the order line."""

    kind: str
    ref: str
    quantity: int
    held: int = 0
    data: dict = field(default_factory=dict)


def order_create(
    *,
    user,
    items: list[OrderItem],
    idempotency_key: str,
    delivery_type: str = Order.Delivery.NONE,
    shipping_address: dict | None = None,
    payment_method: str = "",
    actor=None,
) -> Order:
    """Create an unpaid order of `items` for `user`, priced by the kinds' offers to that
    buyer now, with or without a cart (a renewal task creates one this way). What `items`
    do not hold yet is reserved through `reservations.parts_hold`, all or nothing. A
    zero-total order is paid at once (FulfilRefused becomes a CheckoutError). Raises
    CheckoutError listing what cannot be sold; nothing is taken then.

    Locks: the reservation module's (each part's stock row, in the global order). A caller
    holding a cart locks the cart first (`order_place`). With an `idempotency_key` used
    already, the order it made is returned."""
    from .reservations import Item, PartsNotAvailable, parts_hold

    with transaction.atomic():
        existing = Order.objects.filter(user=user, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        if not items:
            raise CheckoutError("An order needs at least one item.")
        offers = offers_for_lines(items, buyer=user)
        problems = []
        for item in items:
            offer = offers.get((item.kind, item.ref))
            if offer is None:
                problems.append(f"{item.data.get('title', item.ref)} is no longer on sale.")
            elif offer.max_per_order is not None and item.quantity > offer.max_per_order:
                problems.append(f"You can buy at most {offer.max_per_order} of {offer.title}.")
        currencies = {offer.currency for offer in offers.values()}
        if len(currencies) > 1:
            raise CheckoutError("Your cart mixes currencies; remove items so one is left.")
        if problems:
            raise CheckoutError(_problems_message(problems), problems=problems)

        physical = any(offer.is_physical for offer in offers.values())
        delivery_type, address = _clean_address(delivery_type, shipping_address, physical)

        # Take what is not held yet, all or nothing; every refused line is named.
        need = [
            Item(item.kind, item.ref, item.quantity - item.held)
            for item in items
            if item.quantity > item.held
        ]
        try:
            parts_hold(need, user=user, collect=True)
        except PartsNotAvailable as exc:
            for item in items:
                if (item.kind, item.ref) not in exc.failures:
                    continue
                offer = offers[(item.kind, item.ref)]
                left = item.held + exc.failures[(item.kind, item.ref)]
                problems.append(
                    f"{offer.title}: only {left} left, you asked for {item.quantity}."
                    if left
                    else f"{offer.title} is sold out."
                )
            raise CheckoutError(_problems_message(problems), problems=problems) from exc

        now = timezone.now()
        subtotal = sum(
            (offers[(item.kind, item.ref)].unit_price * item.quantity for item in items),
            Decimal("0"),
        )
        shipping_total = Decimal("0")
        order = Order.objects.create(
            number=f"tmp-{uuid.uuid4().hex[:16]}",
            user=user,
            email=user.email,
            status=Order.Status.NEW,
            currency=currencies.pop() if currencies else settings.SHOP_CURRENCY,
            subtotal=subtotal,
            shipping_total=shipping_total,
            total=subtotal + shipping_total,
            delivery_type=delivery_type,
            shipping_address=address,
            payment_method=payment_method or "",
            idempotency_key=idempotency_key,
            expires_at=now + timedelta(minutes=settings.SHOP_ORDER_EXPIRY_MINUTES),
            reserved=True,
        )
        order.number = order_number_for(order)
        order.save(update_fields=["number"])
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    kind=item.kind,
                    ref=item.ref,
                    title=offers[(item.kind, item.ref)].title[:255],
                    unit_price=offers[(item.kind, item.ref)].unit_price,
                    quantity=item.quantity,
                    line_total=offers[(item.kind, item.ref)].unit_price * item.quantity,
                    is_physical=offers[(item.kind, item.ref)].is_physical,
                    organization_id=offers[(item.kind, item.ref)].organization_id,
                    data=item.data,
                )
                for item in items
            ]
        )
        actor = actor or user
        order_history_start(order=order, actor=actor)
        if order.total == 0:
            order = Order.objects.select_for_update().get(pk=order.pk)
            try:
                with transaction.atomic():
                    order_pay(order=order, payment=None, actor=actor)
            except FulfilRefused as exc:
                raise CheckoutError(str(exc)) from exc
        else:
            order_transition(
                order=order,
                to_status=Order.Status.PENDING_PAYMENT,
                actor=actor,
                note="Waiting for payment",
            )
    return order


def _problems_message(problems: list[str]) -> str:
    return "Some items in your cart are no longer available: " + " ".join(problems)
