"""Ticket capacity, issuing and refunds, attendee names, and free registration.

Capacity: `TicketType.sold_or_held` counts held, reserved and sold units. `ticket_hold`
raises it with one conditional UPDATE (`... WHERE quantity >= sold_or_held + n`) on the
ticket type's own row, so PostgreSQL re-checks the condition against the latest committed
value after waiting for a concurrent writer: two buyers never both get the last ticket.
`ticket_release` lowers it the same way, never below zero.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from events.models import Attendee, Event, TicketType, ticket_code
from project.core.text import single_line
from shop.kinds import ATTENDEE_NAMES_KEY, NotAvailable, holds_unlocked


class TicketError(ValueError):
    """A ticket change was refused; the message is safe to show."""


def ticket_type_id(ref) -> int | None:
    try:
        value = int(str(ref))
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def ticket_hold(*, ticket_type_id: int, quantity: int) -> None:
    """Take `quantity` tickets of the type's capacity, or raise NotAvailable with what is
    left. Lock: the conditional UPDATE's row lock on the ticket type."""
    if quantity < 1:
        raise NotAvailable("Choose at least one ticket.", available=0)
    status = (
        TicketType.objects.filter(pk=ticket_type_id).values_list("event__status", flat=True).first()
    )
    if status is None:
        raise NotAvailable("This ticket type does not exist.", available=0)
    if status != Event.Status.PUBLISHED:
        raise NotAvailable("Tickets for this event are not on sale.", available=0)
    if holds_unlocked():
        taken = _hold_unlocked(ticket_type_id=ticket_type_id, quantity=quantity)
    else:
        taken = TicketType.objects.filter(
            pk=ticket_type_id, quantity__gte=F("sold_or_held") + quantity
        ).update(sold_or_held=F("sold_or_held") + quantity)
    if not taken:
        left = (
            TicketType.objects.filter(pk=ticket_type_id)
            .values_list("quantity", "sold_or_held")
            .first()
        )
        available = max(left[0] - left[1], 0) if left else 0
        raise NotAvailable(
            f"Only {available} tickets left." if available else "Sold out.", available=available
        )


def _hold_unlocked(*, ticket_type_id: int, quantity: int) -> bool:
    """The race-control tests' hold (`shop.kinds.holds_unlocked`): read, check, then write
    what was read plus `quantity`, with no lock. Never used outside them."""
    row = TicketType.objects.filter(pk=ticket_type_id).values_list("quantity", "sold_or_held")
    capacity, taken = row.first() or (0, 0)
    if capacity - taken < quantity:
        return False
    return bool(TicketType.objects.filter(pk=ticket_type_id).update(sold_or_held=taken + quantity))


def ticket_release(*, ticket_type_id: int, quantity: int) -> None:
    """Give `quantity` back to the type's capacity (never below zero)."""
    if quantity < 1:
        return
    TicketType.objects.filter(pk=ticket_type_id).update(
        sold_or_held=Greatest(F("sold_or_held") - quantity, Value(0))
    )


def attendee_names_clean(names) -> list[str]:
    """Names typed at purchase, one line each, blanks dropped. Raises TicketError."""
    cleaned = [single_line(name) for name in (names or [])]
    cleaned = [name for name in cleaned if name]
    if any(len(name) > 150 for name in cleaned):
        raise TicketError("A name can be at most 150 characters.")
    return cleaned


def tickets_issue(*, order_line) -> list[Attendee]:
    """One attendee per unit of a paid order line, named as the buyer asked at purchase
    (the line's `attendee_names`); places without a name take the buyer's name, or stay
    unnamed for the ticket holder to fill in (never the e-mail's local part). Called by
    the ticket kind inside the payment transaction; a second call issues nothing."""
    type_id = ticket_type_id(order_line.ref)
    ticket_type = TicketType.objects.filter(pk=type_id).first() if type_id else None
    if ticket_type is None:
        return []
    missing = order_line.quantity - Attendee.objects.filter(order_line=order_line).count()
    if missing <= 0:
        return []
    buyer = order_line.order.user
    issued = order_line.quantity - missing
    given = (order_line.data or {}).get(ATTENDEE_NAMES_KEY) or []
    given = given[issued:] if isinstance(given, list) else []
    fallback = single_line(getattr(buyer, "name", "") or "")[:150]
    names = [single_line(str(name))[:150] or fallback for name in given[:missing]]
    names += [fallback] * (missing - len(names))
    return Attendee.objects.bulk_create(
        [
            Attendee(
                ticket_type=ticket_type,
                order_line=order_line,
                buyer=buyer,
                name=name,
                status=Attendee.Status.PAID,
                code=ticket_code(),
            )
            for name in names
        ]
    )


def tickets_refund(*, order_line, quantity: int) -> int:
    """Void `quantity` tickets of a line and give their capacity back. Unused tickets go
    first. Tickets of a canceled event become "canceled", others "refunded". Returns how
    many were voided. Lock: the line's ticket rows (`select_for_update`)."""
    if quantity < 1:
        return 0
    first = Case(
        When(status=Attendee.Status.PAID, then=Value(0)),
        When(status=Attendee.Status.RESERVED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    pks = list(
        Attendee.objects.select_for_update()
        .filter(order_line=order_line, status__in=[*Attendee.VALID, Attendee.Status.RESERVED])
        .order_by(first, "pk")
        .values_list("pk", flat=True)[:quantity]
    )
    if not pks:
        return 0
    ticket_type = Attendee.objects.select_related("ticket_type__event").get(pk=pks[0]).ticket_type
    status = (
        Attendee.Status.CANCELED
        if ticket_type.event.status == Event.Status.CANCELED
        else Attendee.Status.REFUNDED
    )
    voided = Attendee.objects.filter(pk__in=pks).update(status=status, updated=timezone.now())
    ticket_release(ticket_type_id=ticket_type.pk, quantity=voided)
    return voided


def attendee_rename(*, attendee: Attendee, user, name: str) -> Attendee:
    """The buyer names a ticket's attendee, until the event starts."""
    name = " ".join((name or "").split())
    if not name:
        raise TicketError("Enter the attendee's name.")
    if len(name) > 150:
        raise TicketError("The name can be at most 150 characters.")
    with transaction.atomic():
        attendee = (
            Attendee.objects.select_for_update()
            .select_related("ticket_type__event")
            .get(pk=attendee.pk)
        )
        if attendee.buyer_id != user.pk:
            raise TicketError("Only the buyer can rename this ticket.")
        if attendee.ticket_type.event.has_started:
            raise TicketError("The event has started; names cannot change any more.")
        if not attendee.is_valid:
            raise TicketError("This ticket is no longer valid.")
        attendee.name = name
        attendee.save(update_fields=["name", "updated"])
    return attendee


# --- free registration ---------------------------------------------------------------------


class CartHasOtherItems(TicketError):
    """Registration would check out the buyer's other cart items too."""


def event_register(
    *,
    cart,
    user,
    ticket_type: TicketType,
    quantity,
    idempotency_key: str,
    attendee_names=None,
):
    """Register for a free ticket type: the ticket goes through the buyer's cart and a
    zero-total order (which the shop marks paid at once), so capacity is held exactly as
    for a sale. `attendee_names` (optional) name the places in order. Returns the order. A
    repeated submit with the same key returns the first order. Raises TicketError (or
    CartHasOtherItems when the cart is not empty).

    Locks: the buyer's cart row, then the ticket type's capacity (see `ticket_hold`)."""
    from shop.models import Cart, Order
    from shop.services.cart import CartError, cart_add
    from shop.services.checkout import CheckoutError, order_place

    key = f"register-{idempotency_key or secrets.token_hex(8)}"[:64]
    names = attendee_names_clean(attendee_names)
    if ticket_type.price != 0:
        raise TicketError("This ticket is not free; add it to your cart instead.")
    existing = Order.objects.filter(user=user, idempotency_key=key).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        cart = Cart.objects.select_for_update().get(pk=cart.pk)
        existing = Order.objects.filter(user=user, idempotency_key=key).first()
        if existing is not None:
            return existing
        if cart.status != Cart.Status.ACTIVE or cart.user_id != user.pk:
            raise TicketError("Your cart changed; please try again.")
        if cart.lines.exists():
            raise CartHasOtherItems(
                "Your cart holds other items, so the registration was added to your cart: "
                "check out to finish it."
            )
        try:
            line = cart_add(
                cart=cart, kind="ticket", ref=str(ticket_type.pk), quantity=quantity, user=user
            )
            if len(names) > line.quantity:
                raise TicketError(f"Give at most {line.quantity} names, one a place.")
            if names:  # copied onto the order line, where `tickets_issue` reads them
                line.data = {**line.data, ATTENDEE_NAMES_KEY: names}
                line.save(update_fields=["data"])
            order = order_place(
                cart=cart,
                user=user,
                idempotency_key=key,
                delivery_type="none",
                shipping_address=None,
                payment_method="",
            )
        except (CartError, CheckoutError) as exc:
            raise TicketError(str(exc)) from exc
        if order.status != Order.Status.PAID:
            raise TicketError("This registration is not free any more.")
    return order
