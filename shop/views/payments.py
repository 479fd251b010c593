"""Payment pages: choosing a provider, the mock sandbox, return pages and IPN endpoints.

Return pages only show what happened; IPN endpoints (and the sandbox's buttons, through
the same service) change state.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect
from django_ratelimit.decorators import ratelimit

from shop.models import Order, Payment
from shop.payments.base import PaymentError
from shop.payments.mock import mock_callback_params
from shop.payments.registry import available_providers, provider_for
from shop.payments.services import payment_confirm
from shop.payments.services import payment_start as payment_start_service
from shop.selectors.orders import order_for_user


def _redirect(request, url: str):
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="30/m", method="POST", block=True)
def payment_start(request, number: str):
    # Through the selector, so an order past its pay-by time is expired before it is shown.
    order = order_for_user(user=request.user, number=number)
    if order is None:
        raise Http404("No such order.")
    providers = available_providers()
    codes = [code for code, _label in providers]
    error = ""
    # Starting a payment writes a Payment row, so only a POST does it (a GET, even a
    # prefetch or a link from another site, only shows the choice).
    chosen = request.POST.get("provider", "") if request.method == "POST" else ""
    payable = order.status == Order.Status.PENDING_PAYMENT
    if chosen and payable:
        if chosen not in codes:
            error = _("Choose one of the payment methods below.")
        else:
            try:
                url = payment_start_service(order=order, provider_code=chosen, request=request)
            except PaymentError as exc:
                error = str(exc)
            else:
                return _redirect(request, url)
    elif request.method == "POST" and payable:
        error = _("Choose a payment method.")
    elif chosen and any(change.note == "expired" for change in order.history.all()):
        error = _("Order {number} has expired. Please place the order again.").format(
            number=order.number
        )
    context = {
        "order": order,
        "payable": payable,
        "providers": [
            {"code": code, "label": label, "description": provider_for(code).description}
            for code, label in providers
        ],
        "selected": chosen or (order.payment_method if order.payment_method in codes else ""),
        "error": error,
    }
    if request.htmx:
        # htmx does not swap 4xx answers, so the form with its message comes back as 200.
        return render(request, "shop/payments/start.html#payment-form", context)
    return render(request, "shop/payments/start.html", context, status=400 if error else 200)


# --- mock gateway ---------------------------------------------------------------------------


def _mock_enabled():
    if not provider_for("mock", enabled_only=False).is_enabled():
        raise Http404("The sandbox payment provider is switched off.")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def mock_sandbox(request, reference: str):
    """The sandbox "gateway" page. The buttons build a signed callback, exactly like a real
    gateway's, and hand it to the same service the IPN endpoints use."""
    _mock_enabled()
    payment = get_object_or_404(
        Payment.objects.select_related("order"),
        reference=reference,
        provider="mock",
        order__user=request.user,
    )
    if request.method == "POST" and payment.status == Payment.Status.INITIATED:
        decision = request.POST.get("decision")
        if decision in {"approve", "decline"}:
            params = mock_callback_params(payment=payment, approved=decision == "approve")
            payment_confirm(provider_code="mock", params=params)
            return redirect(f"{reverse('shop:mock_return')}?{urlencode(params)}")
    return render(
        request,
        "shop/payments/mock_sandbox.html",
        {"payment": payment, "order": payment.order},
        status=(
            200
            if request.method == "GET"
            else 409
            if payment.status != Payment.Status.INITIATED
            else 400
        ),
    )


def _ipn(request, provider_code: str):
    result = payment_confirm(provider_code=provider_code, params=request.GET.dict())
    return JsonResponse(result.as_ipn_reply())


@csrf_exempt
@never_cache
@require_GET
def mock_ipn(request):
    _mock_enabled()
    return _ipn(request, "mock")


@never_cache
@require_GET
def mock_return(request):
    _mock_enabled()
    return _result_page(request, "mock", prefix="mock_")


# --- VNPAY ----------------------------------------------------------------------------------


@csrf_exempt
@never_cache
@require_GET
def vnpay_ipn(request):
    return _ipn(request, "vnpay")


@never_cache
@require_GET
def vnpay_return(request):
    return _result_page(request, "vnpay", prefix="vnp_")


# --- the result page both return URLs show -------------------------------------------------

RESULT_MESSAGES = {
    Payment.Status.SUCCEEDED: (
        "paid",
        gettext_lazy("Payment received"),
        gettext_lazy("Thank you! Your order is paid."),
    ),
    Payment.Status.FAILED: (
        "declined",
        gettext_lazy("Payment declined"),
        gettext_lazy("The payment did not go through and nothing was charged. You can try again."),
    ),
    Payment.Status.UNAPPLIED: (
        "unapplied",
        gettext_lazy("Payment received after the order expired"),
        gettext_lazy(
            "Your order had already expired when the payment arrived, so we are giving the "
            "money back. Our team has been told and will contact you."
        ),
    ),
    Payment.Status.INITIATED: (
        "processing",
        gettext_lazy("Payment being confirmed"),
        gettext_lazy(
            "We are waiting for the payment provider to confirm your payment. This page does "
            "not change your order; we will e-mail you as soon as it is paid."
        ),
    ),
}


def _result_page(request, provider_code: str, *, prefix: str):
    """Show the outcome of an attempt. Reads only: the signature is checked so the page
    cannot be used to show made-up results, and the status comes from our records."""
    params = request.GET.dict()
    provider = provider_for(provider_code, enabled_only=False)
    if not provider.callback_verify(params):
        return render(
            request,
            "shop/payments/result.html",
            {
                "state": "invalid",
                "title": _("We could not verify this payment result"),
                "text": _(
                    "The link is incomplete or was changed. Check your order page for its "
                    "real status."
                ),
            },
            status=400,
        )
    payment = (
        Payment.objects.select_related("order")
        .filter(reference=params.get(f"{prefix}TxnRef", ""), provider=provider_code)
        .first()
    )
    if payment is None:
        raise Http404("No such payment.")
    state, title, text = RESULT_MESSAGES[payment.status]
    if state == "processing" and params.get(f"{prefix}ResponseCode") not in (None, "00"):
        state, title, text = RESULT_MESSAGES[Payment.Status.FAILED]
    return render(
        request,
        "shop/payments/result.html",
        {"state": state, "title": title, "text": text, "payment": payment, "order": payment.order},
    )
