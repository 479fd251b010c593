"""Checkout steps: 1 cart → 2 address (physical items only) → 3 payment method, with the
optional attendee names of the lines whose kind asks for them → 4 review → 5 place. The
choices made so far live in the session; the order is written only by the last step, in one
`order_place` call."""

from __future__ import annotations

import secrets
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_ratelimit.decorators import ratelimit

from project.accounts.services import address_remember
from project.accounts.verification import verified_email_required
from shop.forms_checkout import AttendeeNamesForm, DeliveryForm, PaymentMethodForm
from shop.models import Order
from shop.payments.base import PaymentError
from shop.payments.services import payment_start as payment_start_service
from shop.selectors.cart import cart_totals
from shop.services.cart import cart_for_request, cart_holds_refresh
from shop.services.checkout import CheckoutError, order_place

SESSION_KEY = "shop_checkout"


def payment_methods() -> list[tuple[str, str]]:
    try:
        from shop.payments.registry import available_providers
    except ImportError:
        return [("mock", "Test payment")]
    return list(available_providers())


def _state(request) -> dict:
    return request.session.get(SESSION_KEY) or {}


def _save_state(request, **changes) -> dict:
    state = {**_state(request), **changes}
    request.session[SESSION_KEY] = state
    return state


def checkout_view(view):
    """Signed in, e-mail verified, and a cart with something in it."""

    @verified_email_required(message=_("Please verify your e-mail address before checking out."))
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        cart = cart_for_request(request)
        summary = cart_totals(cart, buyer=request.user)
        if summary.is_empty:
            messages.info(request, "Your cart is empty.")
            return redirect("shop:cart")
        state = _state(request)
        if state.get("cart_id") != cart.pk:
            state = _save_state(request, cart_id=cart.pk, idempotency_key="")
            for key in (
                "delivery_type",
                "shipping_address",
                "remember_address",
                "payment_method",
                "attendee_names",
            ):
                state.pop(key, None)
            request.session[SESSION_KEY] = state
        return view(request, cart, summary, state, *args, **kwargs)

    return wrapper


def _naming_items(summary) -> list:
    return [item for item in summary.items if item.kind and item.kind.asks_attendee_names]


def _attendee_names(summary, state) -> dict[str, list[str]]:
    """The names chosen at step 3 that still fit the cart: lines removed since drop theirs,
    and a line made smaller keeps the names of its first places."""
    given = state.get("attendee_names") or {}
    names = {}
    for item in _naming_items(summary):
        kept = list(given.get(str(item.line.pk)) or [])[: item.line.quantity]
        if any(kept):
            names[str(item.line.pk)] = kept
    return names


def _steps(summary, current: str) -> list[dict]:
    names = [("cart", "Cart", "shop:cart")]
    if summary.is_physical:
        names.append(("address", "Delivery", "shop:checkout_address"))
    names += [
        ("payment", "Payment", "shop:checkout_payment"),
        ("review", "Review", "shop:checkout_review"),
    ]
    index = [name for name, _, _ in names].index(current)
    return [
        {
            "name": name,
            "label": label,
            "url": reverse(url),
            "done": i < index,
            "current": i == index,
        }
        for i, (name, label, url) in enumerate(names)
    ]


@checkout_view
def checkout_start(request, cart, summary, state):
    if summary.is_physical:
        return redirect("shop:checkout_address")
    return redirect("shop:checkout_payment")


@checkout_view
def checkout_address(request, cart, summary, state):
    if not summary.is_physical:
        return redirect("shop:checkout_payment")
    addresses = list(request.user.addresses.all())
    initial = {}
    if state.get("delivery_type"):
        initial["delivery_type"] = state["delivery_type"]
    form = DeliveryForm(request.POST or None, addresses=addresses, initial=initial)
    if request.method == "POST" and form.is_valid():
        _save_state(
            request,
            delivery_type=form.cleaned_data["delivery_type"],
            shipping_address=form.cleaned_data["shipping_address"],
            remember_address=form.cleaned_data["remember_address"],
        )
        return redirect("shop:checkout_payment")
    return render(
        request,
        "shop/checkout/address.html",
        {
            "form": form,
            "summary": summary,
            "steps": _steps(summary, "address"),
            "addresses": addresses,
            "pickup_location": settings.SHOP_PICKUP_LOCATION,
        },
    )


@checkout_view
def checkout_payment(request, cart, summary, state):
    if summary.is_physical and not state.get("delivery_type"):
        return redirect("shop:checkout_address")
    methods = payment_methods()
    form = PaymentMethodForm(
        request.POST or None,
        methods=methods,
        initial={"payment_method": state.get("payment_method")},
    )
    names_form = AttendeeNamesForm(
        request.POST or None,
        items=_naming_items(summary),
        names=_attendee_names(summary, state),
    )
    if request.method == "POST" and form.is_valid() and names_form.is_valid():
        _save_state(
            request,
            payment_method=form.cleaned_data["payment_method"],
            attendee_names=names_form.cleaned_data["attendee_names"],
        )
        return redirect("shop:checkout_review")
    return render(
        request,
        "shop/checkout/payment.html",
        {
            "form": form,
            "names_form": names_form,
            "summary": summary,
            "steps": _steps(summary, "payment"),
            "no_methods": not methods,
        },
    )


@checkout_view
def checkout_review(request, cart, summary, state):
    if summary.is_physical and not state.get("delivery_type"):
        return redirect("shop:checkout_address")
    if state.get("payment_method") not in dict(payment_methods()):
        return redirect("shop:checkout_payment")
    notes = cart_holds_refresh(cart=cart, user=request.user)
    if notes:
        summary = cart_totals(cart, buyer=request.user)
    # A fresh key per review: the form carries it, so a double click on "Place order"
    # sends the same key twice and gets the same order.
    key = secrets.token_urlsafe(24)
    _save_state(request, idempotency_key=key)
    from project.accounts.addresses import address_lines

    names = _attendee_names(summary, state)
    return render(
        request,
        "shop/checkout/review.html",
        {
            "summary": summary,
            "steps": _steps(summary, "review"),
            "state": state,
            "idempotency_key": key,
            "notes": notes,
            "address_lines": address_lines(state.get("shipping_address") or {}),
            "pickup_location": settings.SHOP_PICKUP_LOCATION,
            "method_label": dict(payment_methods()).get(state.get("payment_method"), ""),
            "attendee_names": [
                (item, names.get(str(item.line.pk)) or []) for item in _naming_items(summary)
            ],
        },
    )


@require_POST
@login_required
@ratelimit(key="user_or_ip", rate="10/m", method="POST", block=True)
def checkout_place(request):
    key = request.POST.get("idempotency_key", "")
    # A second submit of the same review form finds the order the first one placed.
    existing = Order.objects.filter(user=request.user, idempotency_key=key).first() if key else None
    if existing is not None:
        return _to_payment(request, existing, start=False)
    return _place(request, key=key)


@checkout_view
def _place(request, cart, summary, state, *, key: str):
    try:
        order = order_place(
            cart=cart,
            user=request.user,
            idempotency_key=key,
            delivery_type=state.get("delivery_type") or Order.Delivery.NONE,
            shipping_address=state.get("shipping_address") or {},
            payment_method=state.get("payment_method") or "",
            attendee_names=_attendee_names(summary, state),
        )
    except CheckoutError as exc:
        messages.error(request, str(exc))
        target = reverse("shop:cart")
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    if state.get("remember_address") and order.shipping_address:
        address_remember(user=request.user, address=order.shipping_address)
    return _to_payment(request, order)


def _to_payment(request, order: Order, *, start: bool = True):
    request.session.pop(SESSION_KEY, None)
    if order.status == Order.Status.PENDING_PAYMENT:
        # Placing the order (a POST) starts the payment chosen at step 3 straight away; the
        # pay page is the fallback for choosing again.
        target = reverse("shop:payment_start", kwargs={"number": order.number})
        if start and order.payment_method:
            try:
                target = payment_start_service(
                    order=order, provider_code=order.payment_method, request=request
                )
            except PaymentError as exc:
                messages.error(request, str(exc))
    else:
        messages.success(request, f"Order {order.number} is confirmed.")
        target = order.get_absolute_url()
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
