"""The payment provider interface.

A provider sends the buyer somewhere to pay (`start`), reads the gateway's signed
callbacks (`callback_verify`, `callback_parse`) and gives money back (`refund`). Every
state change goes through `shop.payments.services.payment_confirm`, whichever provider
the callback came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from decimal import Decimal

    from django.http import HttpRequest

    from shop.models import Payment


class PaymentError(Exception):
    """A payment cannot be started or processed; the message is safe to show the buyer."""


class RefundFailed(PaymentError):
    """The provider did not refund the money. Nothing was given back."""


class CallbackInvalid(PaymentError):
    """A callback is signed but its content cannot be read (bad amount, missing ref)."""


@dataclass(frozen=True)
class Callback:
    """What a gateway says about one payment attempt, already signature-checked."""

    reference: str
    amount_minor: int | None  # amount × 100, as gateways send it; None if unreadable
    succeeded: bool
    transaction_no: str = ""
    response_code: str = ""
    # Names the event "the outcome of this attempt": a gateway sends one final result per
    # reference, so a replay (or a contradicting second result) carries the same key.
    key: str = ""
    params: dict = field(default_factory=dict)


class Provider:
    code: ClassVar[str]
    label: ClassVar[str]
    description: ClassVar[str] = ""

    def is_enabled(self) -> bool:
        raise NotImplementedError

    def start(self, *, payment: Payment, request: HttpRequest) -> str:
        """Return the URL to send the buyer to. May add details to `payment.raw`
        (the caller saves it). Raise PaymentError when this payment cannot use it."""
        raise NotImplementedError

    def refund(self, *, payment: Payment, amount: Decimal) -> str:
        """Give `amount` of a received payment back; return the provider's reference.
        Raise RefundFailed when the money was not returned."""
        raise NotImplementedError

    def callback_verify(self, params: dict[str, str]) -> bool:
        """Whether the callback's signature is valid (constant-time comparison)."""
        raise NotImplementedError

    def callback_parse(self, params: dict[str, str]) -> Callback:
        raise NotImplementedError


def amount_minor(amount: Decimal) -> int:
    """Money in hundredths as an integer, the way VNPAY (and the mock) carry amounts."""
    return int((amount * 100).to_integral_value())
