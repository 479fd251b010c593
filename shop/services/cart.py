"""Cart writes: find or create the visitor's cart, add, change, remove, merge at login,
and the holds that keep limited items for a buyer while they decide.

A line of a kind with `holds=True` takes its units from the kind while it sits in the cart
(`held_quantity`, until `hold_expires_at`). Expiry needs no periodic task: before anything
reads or takes availability, `reservations_expire_due` gives back the expired holds (and
expires the overdue orders) of the items concerned, under their row locks; the periodic
tasks run the same code for everything, and only tidy up.

Hoarding limits: a hold lasts SHOP_HOLD_MINUTES (guests: SHOP_GUEST_HOLD_MINUTES) and a
cart view renews it only while the line is younger than SHOP_HOLD_MAX_MINUTES; a guest
holds at most SHOP_GUEST_MAX_UNITS units of the kinds limited for guests (tickets); a
customer holds at most SHOP_MAX_HOLDS_PER_USER different items across the cart and unpaid
orders; and a kind's per-customer caps (`LineKind.customer_caps`) count the cart, unpaid
and paid orders together.

Locks: every change locks the cart row, then the lines it touches (`select_for_update`), and
refuses a cart that is no longer active. Two requests of the same buyer cannot both change a
line, a change cannot race checkout, and `hold_expire_overdue` (which skips locked lines)
cannot give back a hold a request is working on. A user has one active cart, and every path
that adds to what a customer holds (add, quantity change, merge, checkout, free
registration) locks it before counting, so the per-customer caps are checked and taken in
one step per customer. Holds and releases go through `reservations` (a line's parts, in
the global (kind, ref) order, all or nothing); the kinds lock their own stock rows.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from shop.kinds import LineKind, kind_get
from shop.models import Cart, CartLine, OrderLine
from shop.selectors.cart import SESSION_CART_KEY, cart_totals, offers_for_lines

from .reservations import Item, PartsNotAvailable, line_parts, parts_hold, parts_release

logger = logging.getLogger("tessera.shop")

MAX_LINE_QUANTITY = 99

__all__ = [
    "CartError",
    "cart_add",
    "cart_for_request",
    "cart_holds_refresh",
    "cart_line_remove",
    "cart_line_set_quantity",
    "cart_merge",
    "cart_totals",
    "hold_expire_overdue",
    "reservations_expire_due",
    "reservations_expire_due_for",
]


class CartError(ValueError):
    """The cart change was refused; the message is safe to show the buyer."""


def _is_customer(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _hold_ceiling(line: CartLine):
    """The latest a line may hold until: SHOP_HOLD_MAX_MINUTES after it first held."""
    started = line.hold_started_at or timezone.now()
    return started + timedelta(minutes=settings.SHOP_HOLD_MAX_MINUTES)


def _hold_until(line: CartLine, user):
    minutes = settings.SHOP_HOLD_MINUTES if _is_customer(user) else settings.SHOP_GUEST_HOLD_MINUTES
    return min(timezone.now() + timedelta(minutes=minutes), _hold_ceiling(line))


def _hold_ended(line: CartLine) -> bool:
    return line.hold_started_at is not None and timezone.now() >= _hold_ceiling(line)


# --- finding the cart ----------------------------------------------------------------------


def cart_for_request(request, create: bool = False) -> Cart | None:
    """The visitor's active cart: the user's one for a signed-in user, else the guest cart
    whose id the session keeps (session data survives the key change at login)."""
    user = request.user
    if user.is_authenticated:
        cart = Cart.objects.filter(user=user, status=Cart.Status.ACTIVE).first()
        if cart is None and create:
            cart = _user_cart_create(user)
        return cart

    cart_id = request.session.get(SESSION_CART_KEY)
    cart = None
    if cart_id:
        cart = Cart.objects.filter(pk=cart_id, user__isnull=True, status=Cart.Status.ACTIVE).first()
    if cart is None and create:
        if request.session.session_key is None:
            request.session.save()
        cart = Cart.objects.create(session_key=request.session.session_key or "")
        request.session[SESSION_CART_KEY] = cart.pk
    return cart


def _user_cart_create(user) -> Cart:
    """Create the user's active cart; a concurrent request that won the race for the
    one-active-cart constraint wins, and we use its cart."""
    try:
        with transaction.atomic():
            return Cart.objects.create(user=user)
    except IntegrityError:
        return Cart.objects.get(user=user, status=Cart.Status.ACTIVE)


# --- changing lines ------------------------------------------------------------------------


def _kind(code: str) -> LineKind:
    try:
        return kind_get(code)
    except LookupError:
        raise CartError("We do not sell that kind of item.") from None


def _check_quantity(quantity) -> int:
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        raise CartError("Enter a whole number for the quantity.") from None
    if quantity < 1:
        raise CartError("The quantity must be at least 1.")
    if quantity > MAX_LINE_QUANTITY:
        raise CartError(f"You can add at most {MAX_LINE_QUANTITY} of one item.")
    return quantity


def _held_lines(cart: Cart, *, exclude_pk=None) -> int:
    lines = cart.lines.filter(held_quantity__gt=0)
    if exclude_pk:
        lines = lines.exclude(pk=exclude_pk)
    return lines.count()


def _take(kind: LineKind, line: CartLine, want: int, *, user, title: str) -> bool:
    """Make the line hold `want` units (taking or giving back the difference). A line past
    its hold ceiling gives back what it holds and holds nothing more: it stays in the cart,
    and checkout takes the units then if they are still free. Returns whether it holds."""
    if _hold_ended(line):
        if line.held_quantity:
            _release(line, line.held_quantity, reason="hold ceiling reached")
        line.held_quantity = 0
        line.hold_expires_at = None
        return False
    if line.held_quantity and line.hold_expires_at and line.hold_expires_at <= timezone.now():
        # An expired hold is not renewed as it is: its units go back, and are taken again
        # only if they are still free.
        _release(line, line.held_quantity, reason="hold expired")
        line.held_quantity = 0
    delta = want - line.held_quantity
    if delta > 0:
        try:
            parts_hold([Item(line.kind, line.ref, delta)], user=user)
        except PartsNotAvailable as exc:
            can_have = line.held_quantity + exc.available
            if can_have <= 0:
                raise CartError(f"{title} is sold out.") from None
            raise CartError(f"Only {can_have} of {title} can be in your cart right now.") from None
    elif delta < 0:
        _release(line, -delta, reason="cart quantity lowered")
    line.held_quantity = want
    if line.hold_started_at is None:
        line.hold_started_at = timezone.now()
    line.hold_expires_at = _hold_until(line, user)
    return True


def _release(line, quantity: int, *, reason: str) -> None:
    parts_release([Item(line.kind, line.ref, quantity)], reason=reason)


# --- hoarding limits -----------------------------------------------------------------------


def _guest_check(line_kind: LineKind, cart: Cart, line: CartLine, want: int, user) -> None:
    """Guests hold at most SHOP_GUEST_MAX_UNITS units of the kinds limited for guests."""
    if _is_customer(user) or not line_kind.limited_for_guests:
        return
    others = (
        cart.lines.filter(kind=line_kind.code).exclude(pk=line.pk).aggregate(n=Sum("quantity"))
    )["n"] or 0
    limit = settings.SHOP_GUEST_MAX_UNITS
    if others + want > limit:
        raise CartError(f"Sign in to hold more than {limit} {line_kind.label.lower()}s.")


def _customer_units(*, user, cart: Cart, kind: str, refs, exclude_line=None) -> int:
    """What a customer has of `kind:refs`: this cart's lines, unpaid orders that still hold
    and paid orders (less refunds)."""
    in_cart = cart.lines.filter(kind=kind, ref__in=refs)
    if exclude_line is not None and exclude_line.pk:
        in_cart = in_cart.exclude(pk=exclude_line.pk)
    units = in_cart.aggregate(n=Sum("quantity"))["n"] or 0
    if _is_customer(user):
        from .orders import PAID_STATES, UNPAID

        ordered = OrderLine.objects.filter(order__user=user, kind=kind, ref__in=refs).filter(
            Q(order__status__in=PAID_STATES)
            | Q(
                order__status__in=UNPAID,
                order__reserved=True,
                order__expires_at__gt=timezone.now(),
            )
        )
        units += ordered.aggregate(n=Sum(F("quantity") - F("refunded_quantity")))["n"] or 0
    return units


def customer_caps_check(
    *, line_kind: LineKind, cart: Cart, ref: str, quantity: int, user, line=None
) -> None:
    """Refuse `quantity` of `ref` in this cart when it would take the customer past one of
    the kind's per-customer caps. The caller holds the cart row lock (see the module)."""
    already = line.quantity if line is not None and line.pk else 0
    for cap in line_kind.customer_caps(ref):
        have = _customer_units(
            user=user, cart=cart, kind=line_kind.code, refs=cap.refs, exclude_line=line
        )
        if have + quantity > cap.limit:
            left = max(cap.limit - have - already, 0)
            raise CartError(
                f"You can have at most {cap.limit} {line_kind.label.lower()}s for {cap.label}"
                + (f"; you can add {left} more." if left else "; you have them all already.")
            )


def _held_items(cart: Cart, user, *, exclude_pk=None) -> int:
    """Different items the customer holds: held cart lines and the lines of unpaid orders
    that still hold their units."""
    held = _held_lines(cart, exclude_pk=exclude_pk)
    if _is_customer(user):
        from .orders import UNPAID

        held += (
            OrderLine.objects.filter(
                order__user=user,
                order__status__in=UNPAID,
                order__reserved=True,
                order__expires_at__gt=timezone.now(),
            )
            .values("kind", "ref")
            .distinct()
            .count()
        )
    return held


def _lock_active_cart(cart_id: int) -> Cart:
    cart = Cart.objects.select_for_update().get(pk=cart_id)
    if cart.status != Cart.Status.ACTIVE:
        raise CartError("This cart has already been checked out.")
    return cart


def cart_add(*, cart: Cart, kind: str, ref: str, quantity, user=None) -> CartLine:
    """Add `quantity` of `kind:ref`; an item already in the cart is incremented. Limited
    kinds hold the units for SHOP_HOLD_MINUTES. Raises CartError with a message."""
    line_kind = _kind(kind)
    quantity = _check_quantity(quantity)
    ref = str(ref or "").strip()
    if not ref or len(ref) > 64:
        raise CartError("That item does not exist.")
    if line_kind.holds:
        reservations_expire_due_for([(kind, ref)])
    offer = line_kind.offer(ref, buyer=user if _is_customer(user) else None)
    if offer is None:
        raise CartError("That item is not on sale any more.")

    with transaction.atomic():
        cart = _lock_active_cart(cart.pk)
        line = cart.lines.select_for_update().filter(kind=kind, ref=ref).first()
        other_currency = cart.lines.exclude(kind=kind, ref=ref).values_list(
            "data__currency", flat=True
        )
        if any(code and code != offer.currency for code in other_currency):
            raise CartError(
                f"Your cart holds items priced in another currency; check those out before "
                f"adding {offer.title} ({offer.currency})."
            )
        new_quantity = quantity + (line.quantity if line else 0)
        if new_quantity > MAX_LINE_QUANTITY:
            raise CartError(f"You can have at most {MAX_LINE_QUANTITY} of one item.")
        if offer.max_per_order is not None and new_quantity > offer.max_per_order:
            raise CartError(f"You can buy at most {offer.max_per_order} of {offer.title}.")
        if line is None:
            line = CartLine(cart=cart, kind=kind, ref=ref, quantity=new_quantity)
        line.quantity = new_quantity
        line.data = {**line.data, "title": offer.title, "currency": offer.currency}
        if line_kind.holds:
            _guest_check(line_kind, cart, line, new_quantity, user)
            customer_caps_check(
                line_kind=line_kind, cart=cart, ref=ref, quantity=new_quantity, user=user, line=line
            )
            if (
                not line.held_quantity
                and _held_items(cart, user, exclude_pk=line.pk) >= settings.SHOP_MAX_HOLDS_PER_USER
            ):
                raise CartError(
                    f"You can reserve at most {settings.SHOP_MAX_HOLDS_PER_USER} different "
                    "items at once. Check out or remove something first."
                )
            _take(line_kind, line, new_quantity, user=user, title=offer.title)
        line.save()
        Cart.objects.filter(pk=cart.pk).update(updated=timezone.now())
    return line


def cart_line_set_quantity(*, line: CartLine, quantity, user=None) -> CartLine | None:
    """Set a line's quantity; 0 removes it. Returns the line, or None when removed."""
    try:
        wanted = int(quantity)
    except (TypeError, ValueError):
        raise CartError("Enter a whole number for the quantity.") from None
    if wanted <= 0:
        cart_line_remove(line=line)
        return None
    wanted = _check_quantity(wanted)
    line_kind = _kind(line.kind)
    if line_kind.holds:
        reservations_expire_due_for([(line.kind, line.ref)])
    with transaction.atomic():
        cart = _lock_active_cart(line.cart_id)
        line = CartLine.objects.select_for_update().filter(pk=line.pk).first()
        if line is None:
            raise CartError("That item is no longer in your cart.")
        offer = line_kind.offer(line.ref, buyer=user if _is_customer(user) else None)
        if offer is None:
            raise CartError("That item is not on sale any more; remove it from your cart.")
        if offer.max_per_order is not None and wanted > offer.max_per_order:
            raise CartError(f"You can buy at most {offer.max_per_order} of {offer.title}.")
        if line_kind.holds:
            _guest_check(line_kind, cart, line, wanted, user)
            customer_caps_check(
                line_kind=line_kind, cart=cart, ref=line.ref, quantity=wanted, user=user, line=line
            )
            _take(line_kind, line, wanted, user=user, title=offer.title)
        line.quantity = wanted
        line.save()
    return line


def cart_line_remove(*, line: CartLine) -> None:
    """Remove a line and give back what it held."""
    with transaction.atomic():
        _lock_active_cart(line.cart_id)
        line = CartLine.objects.select_for_update().filter(pk=line.pk).first()
        if line is None:
            return
        if line.held_quantity:
            _release(line, line.held_quantity, reason="removed from cart")
        line.delete()


def cart_holds_refresh(*, cart: Cart | None, user=None) -> list[str]:
    """Re-check the holds of a cart (on each cart view). A line whose hold lapsed or was
    released takes again what is still free; an expired hold gives its units back first, so
    a renewal never keeps what another buyer could take; and no hold is renewed past the
    line's ceiling (SHOP_HOLD_MAX_MINUTES). Returns messages about the lines that could not
    be held; those stay in the cart, and checkout takes them then if it can."""
    if cart is None:
        return []
    now = timezone.now()
    messages: list[str] = []
    lines = list(cart.lines.all())
    refs_by_kind: dict[str, list[str]] = {}
    for line in lines:
        refs_by_kind.setdefault(line.kind, []).append(line.ref)
    for code, refs in refs_by_kind.items():
        reservations_expire_due(kind=code, refs=refs)
    stale = [
        line
        for line in cart.lines.all()
        if (line.held_quantity < line.quantity and not _hold_ended(line))
        or (line.hold_expires_at is not None and line.hold_expires_at <= now)
    ]
    if not stale:
        return []
    with transaction.atomic():
        locked = Cart.objects.select_for_update().get(pk=cart.pk)
        if locked.status != Cart.Status.ACTIVE:
            return []
        for line in sorted(stale, key=lambda line: (line.kind, line.ref)):
            try:
                line_kind = kind_get(line.kind)
            except LookupError:
                continue
            if not line_kind.holds:
                continue
            line = CartLine.objects.select_for_update().filter(pk=line.pk).first()
            if line is None:
                continue
            title = line.data.get("title", line.ref)
            try:
                with transaction.atomic():
                    held = _take(line_kind, line, line.quantity, user=user, title=title)
            except CartError as exc:
                messages.append(str(exc))
                continue
            line.save(update_fields=["held_quantity", "hold_expires_at", "hold_started_at"])
            if not held:
                messages.append(
                    f"We held {title} for you for {settings.SHOP_HOLD_MAX_MINUTES} minutes; it "
                    "is no longer reserved. Check out soon: it is yours only if still available."
                )
    return messages


# --- merging at login ----------------------------------------------------------------------


def cart_merge(*, guest_cart: Cart, user_cart: Cart | None = None, user=None) -> list[str]:
    """Move a guest cart into the user's cart at login. Quantities of items in both are
    summed and capped at what is available; what the guest cart held moves with it.
    Returns messages about what was capped or left out.

    Locks: both cart rows, lower pk first."""
    user = user or (user_cart.user if user_cart else None)
    if user is None:
        raise ValueError("cart_merge needs the user.")
    if user_cart is None:
        # Adopt the guest cart as it is, unless a concurrent login created a user cart.
        try:
            with transaction.atomic():
                updated = Cart.objects.filter(
                    pk=guest_cart.pk, user__isnull=True, status=Cart.Status.ACTIVE
                ).update(user=user, session_key="")
            if updated:
                return []
        except IntegrityError:
            pass
        user_cart = Cart.objects.get(user=user, status=Cart.Status.ACTIVE)

    messages: list[str] = []
    with transaction.atomic():
        carts = {
            cart.pk: cart
            for cart in Cart.objects.select_for_update()
            .filter(pk__in=[guest_cart.pk, user_cart.pk])
            .order_by("pk")
        }
        guest_cart, user_cart = carts.get(guest_cart.pk), carts[user_cart.pk]
        if guest_cart is None or guest_cart.status != Cart.Status.ACTIVE or guest_cart.user_id:
            return []
        existing = {(line.kind, line.ref): line for line in user_cart.lines.select_for_update()}
        currency = next(
            (line.data.get("currency") for line in existing.values() if line.data.get("currency")),
            "",
        )
        guest_lines = list(guest_cart.lines.select_for_update())
        offers = offers_for_lines(guest_lines + list(existing.values()), buyer=user)
        for guest in sorted(guest_lines, key=lambda line: (line.kind, line.ref)):
            messages.extend(_merge_line(guest, existing, user_cart, offers, currency, user))
            if not currency:
                currency = guest.data.get("currency", "")
        guest_cart.lines.all().delete()
        guest_cart.status = Cart.Status.MERGED
        guest_cart.save(update_fields=["status", "updated"])
    return messages


def _merge_line(guest, existing, user_cart, offers, currency, user) -> list[str]:
    title = guest.data.get("title", guest.ref)
    offer = offers.get((guest.kind, guest.ref))
    try:
        line_kind = kind_get(guest.kind)
    except LookupError:
        line_kind = None
    if offer is None or line_kind is None:
        if guest.held_quantity and line_kind is not None:
            _release(guest, guest.held_quantity, reason="cart merge")
        return [f"{title} is no longer on sale and was not added to your cart."]
    if currency and offer.currency != currency:
        if guest.held_quantity:
            _release(guest, guest.held_quantity, reason="cart merge")
        return [
            f"{title} is priced in {offer.currency} and your cart in {currency}; it was not added."
        ]

    mine = existing.get((guest.kind, guest.ref))
    wanted = guest.quantity + (mine.quantity if mine else 0)
    cap = min(MAX_LINE_QUANTITY, offer.max_per_order if offer.max_per_order is not None else wanted)
    for customer_cap in line_kind.customer_caps(guest.ref):
        have = _customer_units(
            user=user, cart=user_cart, kind=guest.kind, refs=customer_cap.refs, exclude_line=mine
        )
        cap = min(cap, max(customer_cap.limit - have, 0))
    held = guest.held_quantity + (mine.held_quantity if mine else 0)
    if mine is None:
        mine = CartLine(cart=user_cart, kind=guest.kind, ref=guest.ref, quantity=1)
        mine.data = dict(guest.data)
    messages = []
    if line_kind.holds:
        target = min(wanted, cap)
        if held > target:
            _release(guest, held - target, reason="cart merge")
            held = target
        if target > held:
            # Each attempt is all-or-nothing (a savepoint): a refused composite line leaves
            # none of its parts reserved.
            try:
                parts_hold([Item(guest.kind, guest.ref, target - held)], user=user)
                held = target
            except PartsNotAvailable as exc:
                extra = max(0, min(exc.available, target - held))
                if extra:
                    try:
                        parts_hold([Item(guest.kind, guest.ref, extra)], user=user)
                        held += extra
                    except PartsNotAvailable:
                        pass
        final = held
    else:
        available = offer.available if offer.available is not None else wanted
        final = min(wanted, cap, available)
    if final <= 0:
        if mine.pk:
            # The user's own line stays as it was, shown as unavailable by the cart.
            return [f"{title} is sold out, so we could not add more to your cart."]
        return [f"{title} is sold out and was not added to your cart."]
    if final < wanted:
        messages.append(
            f"Only {final} of {title} could be kept in your cart (you asked for {wanted})."
        )
    mine.quantity = final
    if line_kind.holds:
        mine.held_quantity = held
        mine.hold_started_at = min(
            value
            for value in (mine.hold_started_at, guest.hold_started_at, timezone.now())
            if value
        )
        mine.hold_expires_at = _hold_until(mine, user)
    mine.save()
    return messages


# --- expiry --------------------------------------------------------------------------------


def hold_expire_overdue(*, kind: str | None = None, refs=None) -> int:
    """Give back the units of expired holds in active carts, all of them or those of
    `kind` (and `refs`). Returns how many lines.

    Lock: each line row with `select_for_update(skip_locked=True)`, so a line the buyer is
    changing right now is left for the next run."""
    now = timezone.now()
    due = CartLine.objects.filter(
        cart__status=Cart.Status.ACTIVE, held_quantity__gt=0, hold_expires_at__lte=now
    )
    if kind is not None:
        due = due.filter(kind=kind)
    if refs is not None:
        due = due.filter(ref__in=[str(ref) for ref in refs])
    pks = list(due.values_list("pk", flat=True)[:1000])
    released = 0
    for pk in pks:
        with transaction.atomic():
            line = (
                CartLine.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    pk=pk,
                    cart__status=Cart.Status.ACTIVE,
                    held_quantity__gt=0,
                    hold_expires_at__lte=timezone.now(),
                )
                .first()
            )
            if line is None:
                continue
            try:
                kind_get(line.kind)
            except LookupError:
                logger.warning("hold of unknown kind %s left as is", line.kind)
                continue
            _release(line, line.held_quantity, reason="hold expired")
            line.held_quantity = 0
            line.save(update_fields=["held_quantity"])
            released += 1
    return released


def reservations_expire_due(*, kind: str | None = None, refs=None) -> int:
    """Settle expiry before availability is read or taken: give back expired cart holds
    and expire unpaid orders past their pay-by time, for `kind` (and `refs`) or for
    everything. The same code the periodic tasks run; with nothing due it costs two indexed
    queries. Returns how many holds and orders were settled."""
    from .orders import order_expire_overdue

    return hold_expire_overdue(kind=kind, refs=refs) + order_expire_overdue(kind=kind, refs=refs)


def reservations_expire_due_for(pairs) -> int:
    """`reservations_expire_due` for each (kind, ref) in `pairs` and for their parts, so
    expired holds of the same stock never block a composite line or its parts."""
    refs_by_kind: dict[str, set[str]] = {}
    for kind, ref in pairs:
        refs_by_kind.setdefault(kind, set()).add(str(ref))
        for part in line_parts(kind, str(ref), 1):
            refs_by_kind.setdefault(part.kind, set()).add(part.ref)
    return sum(
        reservations_expire_due(kind=kind, refs=sorted(refs))
        for kind, refs in sorted(refs_by_kind.items())
    )


def cart_merge_at_login(*, request, user, **kwargs) -> None:
    """allauth's `user_logged_in` receiver: fold the session's guest cart into the user's
    cart and tell the buyer what could not be kept."""
    from django.contrib import messages

    cart_id = request.session.pop(SESSION_CART_KEY, None)
    if not cart_id:
        return
    guest_cart = Cart.objects.filter(
        pk=cart_id, user__isnull=True, status=Cart.Status.ACTIVE
    ).first()
    if guest_cart is None:
        return
    user_cart = Cart.objects.filter(user=user, status=Cart.Status.ACTIVE).first()
    for text in cart_merge(guest_cart=guest_cart, user_cart=user_cart, user=user):
        messages.warning(request, text)
