"""VNPAY payment gateway, protocol v2.1.0.

- Payment: the buyer is redirected to VNPAY_PAYMENT_URL with signed ``vnp_*`` parameters.
- IPN (`/payments/vnpay/ipn/`, server to server) changes state; the return page only shows.
  Answers: 97 for a bad signature or another terminal's `vnp_TmnCode`; 04 for a wrong
  amount or a `vnp_CurrCode` other than VND (VNPAY's IPN may leave the currency out, which
  means VND); 01, 02, 00 and 99 as VNPAY documents them.
- Refund: the merchant API (``vnp_Command=refund``), a JSON POST to VNPAY_API_URL whose
  checksum is HMAC-SHA512 over the fields joined by "|" in VNPAY's documented order.
"""

import logging
import secrets
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import httpx
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from project.core.http import http_client

from . import signing
from .base import Callback, PaymentError, Provider, RefundFailed, amount_minor

logger = logging.getLogger("tessera.payments.vnpay")

PREFIX = "vnp_"
VERSION = "2.1.0"
GMT7 = dt_timezone(timedelta(hours=7), "GMT+7")
DATE_FORMAT = "%Y%m%d%H%M%S"
PAYMENT_WINDOW = timedelta(minutes=15)

REFUND_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
)


def vnpay_date(moment: datetime | None = None) -> str:
    """yyyyMMddHHmmss in GMT+7, as VNPAY wants every date."""
    return (moment or timezone.now()).astimezone(GMT7).strftime(DATE_FORMAT)


def pipe_checksum(values: dict, fields: tuple[str, ...], *, secret: str) -> str:
    data = "|".join(str(values.get(name, "") or "") for name in fields)
    return signing.hmac_sha512(secret, data)


def client_ip(request) -> str:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or "127.0.0.1"


class VnpayProvider(Provider):
    code = "vnpay"
    label = "VNPAY"
    description = "Pay by Vietnamese bank card, QR code or e-wallet through VNPAY (VND only)."

    def is_enabled(self) -> bool:
        return bool(
            settings.VNPAY_TMN_CODE and settings.VNPAY_HASH_SECRET and settings.VNPAY_PAYMENT_URL
        )

    # --- payment ---------------------------------------------------------------------

    def payment_params(self, *, payment, ip_address: str, now: datetime | None = None) -> dict:
        if payment.currency != "VND":
            raise PaymentError(
                f"VNPAY takes payments in Vietnamese đồng (VND) only; this order is in "
                f"{payment.currency}. Please choose another payment method."
            )
        now = now or timezone.now()
        expires = now + PAYMENT_WINDOW
        if payment.order.expires_at and now < payment.order.expires_at < expires:
            expires = payment.order.expires_at
        return {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": settings.VNPAY_TMN_CODE,
            "vnp_Amount": str(amount_minor(payment.amount)),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": payment.reference,
            # VNPAY asks for plain ASCII without accents or special characters here.
            "vnp_OrderInfo": f"Thanh toan don hang {payment.order.number}",
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": settings.SITE_URL + reverse("shop:vnpay_return"),
            "vnp_IpAddr": ip_address,
            "vnp_CreateDate": vnpay_date(now),
            "vnp_ExpireDate": vnpay_date(expires),
        }

    def start(self, *, payment, request) -> str:
        params = self.payment_params(payment=payment, ip_address=client_ip(request))
        # The refund API needs the date the transaction was created on our side.
        payment.raw = {**payment.raw, "vnp_CreateDate": params["vnp_CreateDate"]}
        query = signing.signed_query(params, secret=settings.VNPAY_HASH_SECRET, prefix=PREFIX)
        return f"{settings.VNPAY_PAYMENT_URL}?{query}"

    # --- callbacks (IPN and return URL) ------------------------------------------------

    def callback_verify(self, params: dict[str, str]) -> bool:
        """A valid signature and our own terminal code. A callback signed with our secret
        but naming another terminal is a misrouted or misconfigured one: it is refused like
        a bad signature (97), which makes VNPAY report it instead of retrying."""
        if not signing.signature_valid(params, secret=settings.VNPAY_HASH_SECRET, prefix=PREFIX):
            return False
        if params.get("vnp_TmnCode") != settings.VNPAY_TMN_CODE:
            logger.warning(
                "VNPAY callback for another terminal",
                extra={"tmn_code": str(params.get("vnp_TmnCode", ""))[:16]},
            )
            return False
        return True

    def callback_parse(self, params: dict[str, str]) -> Callback:
        try:
            amount = int(params.get("vnp_Amount", ""))
        except ValueError:
            amount = None
        currency = params.get("vnp_CurrCode", "VND")
        if currency != "VND":
            # We only ever ask for VND: an amount in another currency is not the amount
            # that was asked for, so it is refused as a wrong amount (04).
            logger.warning("VNPAY callback in another currency", extra={"currency": currency[:8]})
            amount = None
        reference = params.get("vnp_TxnRef", "")
        return Callback(
            reference=reference,
            amount_minor=amount,
            succeeded=(
                params.get("vnp_ResponseCode") == "00"
                and params.get("vnp_TransactionStatus") == "00"
            ),
            transaction_no=params.get("vnp_TransactionNo", ""),
            response_code=params.get("vnp_ResponseCode", ""),
            key=reference,
            params=dict(params),
        )

    # --- refund ------------------------------------------------------------------------

    def refund_request(self, *, payment, amount: Decimal, now: datetime | None = None) -> dict:
        full = amount == payment.amount
        body = {
            "vnp_RequestId": secrets.token_hex(16),
            "vnp_Version": VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": settings.VNPAY_TMN_CODE,
            "vnp_TransactionType": "02" if full else "03",
            "vnp_TxnRef": payment.reference,
            "vnp_Amount": str(amount_minor(amount)),
            "vnp_TransactionNo": payment.provider_transaction,
            "vnp_TransactionDate": payment.raw.get("vnp_CreateDate") or vnpay_date(payment.created),
            "vnp_CreateBy": "tessera",
            "vnp_CreateDate": vnpay_date(now),
            "vnp_IpAddr": "127.0.0.1",
            "vnp_OrderInfo": f"Hoan tien don hang {payment.order.number}",
        }
        body["vnp_SecureHash"] = pipe_checksum(
            body, REFUND_REQUEST_FIELDS, secret=settings.VNPAY_HASH_SECRET
        )
        return body

    def refund(self, *, payment, amount) -> str:
        if not settings.VNPAY_API_URL:
            raise RefundFailed("VNPAY_API_URL is not set, so VNPAY refunds cannot be sent.")
        if not settings.VNPAY_API_URL.startswith(("https://", "http://")):
            raise RefundFailed("VNPAY_API_URL must be an http(s) URL.")
        body = self.refund_request(payment=payment, amount=amount)
        try:
            with http_client(timeout=settings.VNPAY_TIMEOUT_SECONDS) as client:
                response = client.post(
                    settings.VNPAY_API_URL, json=body, headers={"Accept": "application/json"}
                )
                response.raise_for_status()
                answer = response.json() if response.content else {}
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("VNPAY refund request failed", extra={"txn_ref": payment.reference})
            raise RefundFailed(f"VNPAY could not be reached: {exc}") from exc
        if not isinstance(answer, dict):
            raise RefundFailed("VNPAY answered the refund with something unreadable.")
        expected = pipe_checksum(answer, REFUND_RESPONSE_FIELDS, secret=settings.VNPAY_HASH_SECRET)
        if not signing.digest_equal(expected, str(answer.get("vnp_SecureHash", ""))):
            raise RefundFailed("VNPAY's refund answer has an invalid checksum.")
        if answer.get("vnp_ResponseCode") != "00":
            raise RefundFailed(
                f"VNPAY refused the refund ({answer.get('vnp_ResponseCode')}: "
                f"{answer.get('vnp_Message', '')})."
            )
        return str(answer.get("vnp_TransactionNo") or body["vnp_RequestId"])[:64]
