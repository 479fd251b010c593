"""Cart pages: the cart, add to cart, change and remove lines, the header's mini-cart."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event
from django_ratelimit.decorators import ratelimit

from project.core.htmx import htmx_error_toast
from project.core.redirects import safe_next_url
from shop.context_processors import MiniCart
from shop.forms_checkout import AddToCartForm
from shop.models import CartLine
from shop.selectors.cart import cart_totals
from shop.services.cart import (
    CartError,
    cart_add,
    cart_for_request,
    cart_holds_refresh,
    cart_line_remove,
    cart_line_set_quantity,
)

CART_CHANGED = "cart-changed"


def _cart_context(request, notes=()):
    cart = cart_for_request(request)
    notes = list(notes) + cart_holds_refresh(cart=cart, user=_user(request))
    return {"summary": cart_totals(cart, buyer=_user(request)), "notes": notes}


def _user(request):
    return request.user if request.user.is_authenticated else None


def _error_toast(request, text: str, status: int = 400) -> HttpResponse:
    return htmx_error_toast(request, text, status)


def _back(request, fallback="shop:cart"):
    target = request.POST.get("next") or request.META.get("HTTP_REFERER")
    return HttpResponseRedirect(safe_next_url(request, target, fallback=fallback))


@require_GET
def cart_detail(request):
    context = _cart_context(request)
    template = "shop/cart/cart.html#cart-body" if request.htmx else "shop/cart/cart.html"
    return render(request, template, context)


@require_POST
@ratelimit(key="user_or_ip", rate="30/m", method="POST", block=True)
def cart_add_view(request):
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        text = _form_error(form)
        if request.htmx:
            return _error_toast(request, text)
        messages.error(request, text)
        return _back(request)
    cart = cart_for_request(request, create=True)
    try:
        line = cart_add(
            cart=cart,
            kind=form.cleaned_data["kind"],
            ref=form.cleaned_data["ref"],
            quantity=form.cleaned_data["quantity"],
            user=_user(request),
        )
    except CartError as exc:
        if request.htmx:
            return _error_toast(request, str(exc), status=409)
        messages.error(request, str(exc))
        return _back(request)
    title = line.data.get("title", line.ref)
    messages.success(request, f"Added {form.cleaned_data['quantity']} × {title} to your cart.")
    if request.htmx:
        response = render(request, "shop/cart/added.html", {"line": line})
        return trigger_client_event(response, CART_CHANGED)
    return _back(request)


def _form_error(form) -> str:
    if "quantity" in form.errors:
        return "Choose a quantity between 1 and 99."
    return "That item cannot be added to the cart."


def _own_line(request, line_id: int) -> CartLine:
    cart = cart_for_request(request)
    if cart is None:
        raise Http404("No cart.")
    return get_object_or_404(CartLine, pk=line_id, cart=cart)


def _after_line_change(request, notes=()):
    if request.htmx:
        response = render(request, "shop/cart/cart.html#cart-body", _cart_context(request, notes))
        return trigger_client_event(response, CART_CHANGED)
    for note in notes:
        messages.error(request, note)
    return redirect("shop:cart")


# Changing lines: the same budget as adding, shared by quantity changes and removals.
_line_rate = ratelimit(
    key="user_or_ip", rate="30/m", method="POST", block=True, group="shop.cart_line"
)


@require_POST
@_line_rate
def cart_line_update(request, line_id: int):
    line = _own_line(request, line_id)
    quantity = request.POST.get("quantity", "")
    try:
        cart_line_set_quantity(line=line, quantity=quantity, user=_user(request))
    except CartError as exc:
        return _after_line_change(request, [str(exc)])
    return _after_line_change(request)


@require_POST
@_line_rate
def cart_line_delete(request, line_id: int):
    line = _own_line(request, line_id)
    title = line.data.get("title", line.ref)
    try:
        cart_line_remove(line=line)
    except CartError as exc:
        return _after_line_change(request, [str(exc)])
    if not request.htmx:
        messages.info(request, f"Removed {title} from your cart.")
    return _after_line_change(request)


@require_GET
def mini_cart(request):
    return render(request, "shop/cart/mini_cart.html", {"shop_cart": MiniCart(request)})
