"""Payment writes: starting an attempt and applying a gateway's signed callback.

`payment_confirm` is the one path by which a callback changes state, for every provider:
the VNPAY IPN, the mock IPN and the mock sandbox's buttons all end here.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from shop.models import Order, Payment, ProcessedCallback, Refund

from .base import PaymentError, amount_minor
from .registry import provider_for

logger = logging.getLogger("tessera.payments")


@dataclass(frozen=True)
class ConfirmResult:
    """The answer to a callback, in VNPAY's IPN vocabulary (`RspCode`, `Message`)."""

    code: str
    message: str
    outcome: str  # paid, failed, unapplied, duplicate, not_found, bad_amount, bad_signature, error
    payment_pk: int | None = None

    def as_ipn_reply(self) -> dict[str, str]:
        return {"RspCode": self.code, "Message": self.message}


BAD_SIGNATURE = ConfirmResult("97", "Invalid signature", "bad_signature")
NOT_FOUND = ConfirmResult("01", "Order not found", "not_found")
BAD_AMOUNT = ConfirmResult("04", "Invalid amount", "bad_amount")
DUPLICATE = ConfirmResult("02", "Order already confirmed", "duplicate")
UNKNOWN_ERROR = ConfirmResult("99", "Unknown error", "error")


def _confirmed(outcome: str, payment: Payment) -> ConfirmResult:
    return ConfirmResult("00", "Confirm Success", outcome, payment.pk)


# --- starting ------------------------------------------------------------------------------


def _new_reference(order: Order) -> str:
    """A fresh, unguessable reference for one attempt (vnp_TxnRef): the order number
    without dashes plus six random hex digits, e.g. TS2026000123A1B2C3."""
    base = order.number.replace("-", "")[:48]
    while True:
        reference = f"{base}{secrets.token_hex(3).upper()}"
        if not Payment.objects.filter(reference=reference).exists():
            return reference


def payment_start(*, order: Order, provider_code: str, request) -> str:
    """Open a payment attempt for the buyer's unpaid order; return where to send them.

    Lock: the order row (`select_for_update`), so an order being expired or paid right now
    is seen in its final state. Raises PaymentError with a message for the buyer."""
    provider = provider_for(provider_code)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.user_id != request.user.pk:
            raise PaymentError("This order belongs to another account.")
        if order.status != Order.Status.PENDING_PAYMENT:
            raise PaymentError(
                f"Order {order.number} is {order.get_status_display().lower()}, so there is "
                "nothing to pay."
            )
        if order.expires_at and order.expires_at <= timezone.now():
            raise PaymentError(f"Order {order.number} has expired. Please place the order again.")
        if order.total <= 0:
            raise PaymentError(f"Order {order.number} has nothing to pay.")
        payment = Payment.objects.create(
            order=order,
            provider=provider.code,
            reference=_new_reference(order),
            amount=order.total,
            currency=order.currency,
        )
        payment.order = order
        url = provider.start(payment=payment, request=request)
        payment.save(update_fields=["raw"])
    logger.info(
        "payment started",
        extra={"order": order.number, "provider": provider.code, "reference": payment.reference},
    )
    return url


# --- callbacks ------------------------------------------------------------------------------


def callback_record(
    *, provider: str, key: str, payment: Payment | None, result: str, payload: dict
) -> ProcessedCallback | None:
    """Claim a gateway event. Returns None when it was processed before (a replay).
    Call inside the transaction that applies the event, so the claim and the change
    commit together."""
    try:
        with transaction.atomic():
            return ProcessedCallback.objects.create(
                provider=provider,
                key=key[:128],
                payment=payment,
                result=result,
                payload=payload,
            )
    except IntegrityError:
        return None


def payment_confirm(*, provider_code: str, params: dict[str, str]) -> ConfirmResult:
    """Apply a gateway callback (IPN) to its payment and order.

    Checks, in VNPAY's order: signature (97), payment exists (01), amount (04), not yet
    processed (02). Then a success pays the order through `order_pay`; a failure marks the
    payment failed; money that the order cannot take (expired and its stock is gone, or
    already paid) is kept as an UNAPPLIED payment, the order is flagged for staff and the
    money is refunded through the provider.

    Locks: the order row, then the payment row (`select_for_update`, the same order as
    every order service). A replay waits for the first callback to commit, then answers
    02. Any unexpected error rolls everything back and answers 99 (the gateway retries).
    """
    try:
        provider = provider_for(provider_code, enabled_only=False)
        if not provider.callback_verify(params):
            logger.warning(
                "payment callback with an invalid signature", extra={"provider": provider_code}
            )
            return BAD_SIGNATURE
        callback = provider.callback_parse(params)
        result = _confirm(provider_code=provider.code, callback=callback)
    except Exception:
        logger.exception("payment callback failed", extra={"provider": provider_code})
        return UNKNOWN_ERROR
    if result.outcome == "unapplied":
        # The payment and the order's staff flag are committed; the gateway gets its answer
        # whatever happens to the automatic refund (a 500 would make it retry, be told 02,
        # and the refund would never be tried again).
        try:
            payment_refund_unapplied(payment=Payment.objects.get(pk=result.payment_pk))
        except Exception as exc:
            logger.exception(
                "late payment refund could not be started", extra={"payment": result.payment_pk}
            )
            _flag_unrefunded(payment_pk=result.payment_pk, error=f"{type(exc).__name__}: {exc}")
    return result


def _flag_unrefunded(*, payment_pk: int, error: str) -> None:
    """Best effort: tell staff the automatic refund of a late payment did not happen (the
    flag `_confirm` set already says the payment was not applied)."""
    try:
        with transaction.atomic():
            payment = Payment.objects.get(pk=payment_pk)
            order = Order.objects.select_for_update().get(pk=payment.order_id)
            order.needs_attention = (
                f"Late payment {payment.reference} ({payment.amount:f} {payment.currency}) was "
                f"not applied and its automatic refund did not complete: check its refunds, "
                f"then refund it by hand. {error}"
            )[:200]
            order.save(update_fields=["needs_attention"])
    except Exception:
        logger.exception("could not flag the order", extra={"payment": payment_pk})


def _confirm(*, provider_code: str, callback) -> ConfirmResult:
    from shop.kinds import FulfilRefused
    from shop.services.orders import AlreadyPaid, InvalidTransition, order_pay

    found = (
        Payment.objects.filter(reference=callback.reference, provider=provider_code)
        .values_list("pk", "order_id")
        .first()
        if callback.reference
        else None
    )
    if found is None:
        return NOT_FOUND
    payment_pk, order_pk = found
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_pk)
        payment = Payment.objects.select_for_update().get(pk=payment_pk)
        payment.order = order
        if callback.amount_minor != amount_minor(payment.amount):
            logger.warning(
                "payment callback with a wrong amount", extra={"reference": payment.reference}
            )
            return BAD_AMOUNT
        if payment.status != Payment.Status.INITIATED:
            return DUPLICATE
        record = callback_record(
            provider=provider_code,
            key=callback.key,
            payment=payment,
            result="processing",
            payload=callback.params,
        )
        if record is None:
            return DUPLICATE

        payment.provider_transaction = callback.transaction_no[:64]
        payment.raw = {**payment.raw, "callback": callback.params}
        payment.confirmed_at = timezone.now()
        if not callback.succeeded:
            payment.status = Payment.Status.FAILED
            outcome = "failed"
        else:
            try:
                with transaction.atomic():  # a refused payment leaves nothing of order_pay
                    order_pay(order=order, payment=payment)
            except (FulfilRefused, AlreadyPaid, InvalidTransition) as exc:
                order.refresh_from_db()
                payment.status = Payment.Status.UNAPPLIED
                order.needs_attention = (
                    f"Payment {payment.reference} arrived but was not applied: {exc}"
                )[:200]
                order.save(update_fields=["needs_attention"])
                outcome = "unapplied"
            else:
                payment.status = Payment.Status.SUCCEEDED
                if order.payment_method != provider_code:
                    order.payment_method = provider_code
                    order.save(update_fields=["payment_method"])
                outcome = "paid"
        payment.save(update_fields=["status", "provider_transaction", "raw", "confirmed_at"])
        record.result = outcome
        record.save(update_fields=["result"])
    logger.info(
        "payment callback applied",
        extra={"reference": payment.reference, "outcome": outcome, "order": order.number},
    )
    return _confirmed(outcome, payment)


def payment_refund_unapplied(*, payment: Payment) -> Refund:
    """Give back money that arrived but could not be applied to its order.

    The UNAPPLIED payment is already committed, so nothing is lost whatever happens here.
    A pending Refund row is written first; the provider is called outside any lock; the
    row and the order's staff flag then say whether the money went back."""
    from .base import RefundFailed

    with transaction.atomic():
        refund = Refund.objects.create(
            order_id=payment.order_id,
            payment=payment,
            amount=payment.amount,
            reason="Late payment: the order could not take it",
            status=Refund.Status.PENDING,
        )
    try:
        reference = provider_for(payment.provider, enabled_only=False).refund(
            payment=payment, amount=payment.amount
        )
    except RefundFailed as exc:
        reference, error = "", str(exc)
    except Exception as exc:  # never let a refund problem hide the flag
        logger.exception("late payment refund crashed", extra={"reference": payment.reference})
        reference, error = "", f"{type(exc).__name__}: {exc}"
    else:
        error = ""

    amount = f"{payment.amount:f} {payment.currency}"
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        if error:
            refund.status = Refund.Status.FAILED
            refund.note = error[:255]
            order.needs_attention = (
                f"Late payment {payment.reference} ({amount}) NOT refunded: refund it by hand. "
                f"{error}"
            )[:200]
            logger.error(
                "late payment could not be refunded",
                extra={"reference": payment.reference, "error": error},
            )
        else:
            refund.status = Refund.Status.DONE
            refund.reference = reference[:64]
            order.needs_attention = (
                f"Late payment {payment.reference} ({amount}) was refunded automatically "
                f"(refund {reference}). Tell the customer."
            )[:200]
        refund.save(update_fields=["status", "note", "reference"])
        order.save(update_fields=["needs_attention"])
    return refund
