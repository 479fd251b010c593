"""VNPAY's merchant API over httpx, faked at the HTTP boundary with httpx's MockTransport:
every call has a timeout, and a slow, failing or redirecting gateway is a clear refusal."""

import json
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

import httpx
import pytest

from project.core.http import USER_AGENT, http_transport_use
from shop.payments.base import RefundFailed
from shop.payments.vnpay import REFUND_RESPONSE_FIELDS, VnpayProvider, pipe_checksum

API_URL = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
PAYMENT = SimpleNamespace(
    reference="TS-2026-000042-1",
    amount=Decimal("500000"),
    provider_transaction="14000001",
    raw={"vnp_CreateDate": "20261201100000"},
    created=datetime(2026, 12, 1, 3),
    order=SimpleNamespace(number="TS-2026-000042"),
)


@pytest.fixture(autouse=True)
def _vnpay(settings):
    settings.VNPAY_TMN_CODE = "TESSERA1"
    settings.VNPAY_HASH_SECRET = "SECRET"
    settings.VNPAY_API_URL = API_URL
    settings.VNPAY_TIMEOUT_SECONDS = 7


def refund_through(handler):
    with http_transport_use(httpx.MockTransport(handler)):
        return VnpayProvider().refund(payment=PAYMENT, amount=Decimal("500000"))


def test_a_refund_posts_signed_json_with_a_timeout_and_reads_the_transaction():
    seen = {}

    def handler(request):
        seen["request"] = request
        sent = json.loads(request.content)
        answer = {
            "vnp_ResponseId": "r1",
            "vnp_Command": "refund",
            "vnp_ResponseCode": "00",
            "vnp_Message": "OK",
            "vnp_TmnCode": sent["vnp_TmnCode"],
            "vnp_TxnRef": sent["vnp_TxnRef"],
            "vnp_Amount": sent["vnp_Amount"],
            "vnp_BankCode": "NCB",
            "vnp_PayDate": "20261201110000",
            "vnp_TransactionNo": "15000002",
            "vnp_TransactionType": sent["vnp_TransactionType"],
            "vnp_TransactionStatus": "00",
            "vnp_OrderInfo": sent["vnp_OrderInfo"],
        }
        answer["vnp_SecureHash"] = pipe_checksum(answer, REFUND_RESPONSE_FIELDS, secret="SECRET")
        return httpx.Response(200, json=answer)

    assert refund_through(handler) == "15000002"
    request = seen["request"]
    assert request.method == "POST" and str(request.url) == API_URL
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.extensions["timeout"]["read"] == 7
    assert json.loads(request.content)["vnp_TxnRef"] == PAYMENT.reference


@pytest.mark.parametrize(
    "handler",
    [
        pytest.param(lambda request: (_ for _ in ()).throw(httpx.ReadTimeout("slow")), id="slow"),
        pytest.param(lambda request: httpx.Response(502, text="Bad gateway"), id="5xx"),
        pytest.param(lambda request: httpx.Response(200, text="<html>"), id="not-json"),
        pytest.param(
            lambda request: httpx.Response(302, headers={"Location": "https://evil.example/"}),
            id="redirect",
        ),
    ],
)
def test_a_gateway_that_fails_is_a_refusal_the_staff_can_read(handler):
    with pytest.raises(RefundFailed, match="VNPAY could not be reached"):
        refund_through(handler)
