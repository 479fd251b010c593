"""The mock provider: a local sandbox page where the buyer approves or declines.

The sandbox signs its result exactly as a gateway would (HMAC-SHA512 over the sorted
``mock_*`` parameters, with a key derived from SECRET_KEY) and hands it to the same
`payment_confirm` service the VNPAY IPN uses, which checks the signature.
"""

import secrets
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from . import signing
from .base import Callback, Provider, amount_minor

PREFIX = "mock_"
APPROVED = "00"
DECLINED = "24"  # VNPAY's "customer canceled", so both providers read alike


def mock_secret() -> str:
    return salted_hmac("shop.payments.mock", "callback-signing-key").hexdigest()


def mock_callback_params(*, payment, approved: bool) -> dict[str, str]:
    """The signed callback the sandbox sends for `payment`."""
    params = {
        "mock_TxnRef": payment.reference,
        "mock_Amount": str(amount_minor(payment.amount)),
        "mock_CurrCode": payment.currency,
        "mock_ResponseCode": APPROVED if approved else DECLINED,
        "mock_TransactionNo": f"MOCK{secrets.token_hex(6).upper()}" if approved else "",
        "mock_PayDate": timezone.now().strftime("%Y%m%d%H%M%S"),
    }
    params = {k: v for k, v in params.items() if v}
    params["mock_SecureHash"] = signing.signature(params, secret=mock_secret(), prefix=PREFIX)
    return params


class MockProvider(Provider):
    code = "mock"
    label = _("Test payment (sandbox)")
    description = _("A local sandbox page where you approve or decline the payment.")

    def is_enabled(self) -> bool:
        return bool(settings.PAYMENTS_MOCK_ENABLED or settings.DEBUG)

    def start(self, *, payment, request) -> str:
        return reverse("shop:mock_sandbox", kwargs={"reference": payment.reference})

    def refund(self, *, payment, amount) -> str:
        return f"MOCKRF{datetime.now():%y%m%d}{secrets.token_hex(4).upper()}"

    def callback_verify(self, params: dict[str, str]) -> bool:
        return signing.signature_valid(params, secret=mock_secret(), prefix=PREFIX)

    def callback_parse(self, params: dict[str, str]) -> Callback:
        try:
            amount = int(params.get("mock_Amount", ""))
        except ValueError:
            amount = None
        reference = params.get("mock_TxnRef", "")
        succeeded = params.get("mock_ResponseCode") == APPROVED
        transaction_no = params.get("mock_TransactionNo", "")
        return Callback(
            reference=reference,
            amount_minor=amount,
            succeeded=succeeded,
            transaction_no=transaction_no,
            response_code=params.get("mock_ResponseCode", ""),
            key=reference,
            params=dict(params),
        )
