"""VNPAY v2.1.0 against a local fake gateway that speaks the protocol over HTTP.

The shop runs under `live_server`; the fake gateway (shop/tests/fake_vnpay.py) checks our
signed redirect, calls our IPN URL and answers the refund API, like VNPAY would.
"""

import hashlib
import hmac
import urllib.request
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from project.core.models import OutboxMessage
from project.core.outbox import outbox_deliver
from shop.models import Order, Payment, ProcessedCallback, Refund
from shop.payments import signing
from shop.payments.vnpay import VnpayProvider
from shop.tests.factories import OrderFactory, order_expire, paid_changes, paid_emails
from tests.concurrency import errors, run_together

# --- the signature, checked against a hand-built vector -------------------------------------


def test_signature_matches_a_hand_built_query_string():
    secret = "VNPAYTESTSECRET"
    params = {
        "vnp_Version": "2.1.0",
        "vnp_TmnCode": "TESSERA1",
        "vnp_Command": "pay",
        "vnp_Amount": "50000000",
        "vnp_OrderInfo": "Thanh toan don hang TS-2026-000123",
        "vnp_ReturnUrl": "https://shop.example/payments/vnpay/return/?a=1&b=2",
        "vnp_BankCode": "",  # empty: left out
        "vnp_SecureHashType": "HmacSHA512",  # never signed
        "other": "ignored",  # not a vnp_ parameter
    }
    by_hand = (
        "vnp_Amount=50000000"
        "&vnp_Command=pay"
        "&vnp_OrderInfo=Thanh+toan+don+hang+TS-2026-000123"
        "&vnp_ReturnUrl=https%3A%2F%2Fshop.example%2Fpayments%2Fvnpay%2Freturn%2F%3Fa%3D1%26b%3D2"
        "&vnp_TmnCode=TESSERA1"
        "&vnp_Version=2.1.0"
    )
    expected = hmac.new(secret.encode(), by_hand.encode(), hashlib.sha512).hexdigest()
    assert signing.signed_data(params, prefix="vnp_") == by_hand
    assert signing.signature(params, secret=secret, prefix="vnp_") == expected
    assert len(expected) == 128

    signed = {**params, "vnp_SecureHash": expected}
    assert signing.signature_valid(signed, secret=secret, prefix="vnp_")
    assert signing.signature_valid(
        {**signed, "vnp_SecureHash": expected.upper()}, secret=secret, prefix="vnp_"
    )
    assert not signing.signature_valid(
        {**signed, "vnp_Amount": "50000100"}, secret=secret, prefix="vnp_"
    )
    assert not signing.signature_valid(signed, secret="other", prefix="vnp_")
    assert not signing.signature_valid(params, secret=secret, prefix="vnp_")  # no hash


def test_refund_checksum_is_the_pipe_joined_fields_in_vnpays_order(settings):
    from shop.payments.vnpay import REFUND_REQUEST_FIELDS, pipe_checksum

    settings.VNPAY_HASH_SECRET = "S"
    values = {name: f"v{i}" for i, name in enumerate(REFUND_REQUEST_FIELDS)}
    by_hand = "v0|v1|v2|v3|v4|v5|v6|v7|v8|v9|v10|v11|v12"
    assert (
        pipe_checksum(values, REFUND_REQUEST_FIELDS, secret="S")
        == hmac.new(b"S", by_hand.encode(), hashlib.sha512).hexdigest()
    )
    assert REFUND_REQUEST_FIELDS[:3] == ("vnp_RequestId", "vnp_Version", "vnp_Command")
    assert REFUND_REQUEST_FIELDS[-1] == "vnp_OrderInfo"


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def gateway(fake_vnpay, live_server, settings):
    """The fake gateway wired to the shop running under live_server."""
    settings.SITE_URL = live_server.url
    fake_vnpay.ipn_url = live_server.url + reverse("shop:vnpay_ipn")
    return fake_vnpay


def vnpay_start(order, gateway, client=None) -> tuple[Payment, dict]:
    """The buyer picks VNPAY and follows the redirect to the gateway's payment page.
    Returns the payment and the parameters the gateway accepted."""
    client = client or Client()
    client.force_login(order.user)
    response = client.post(
        reverse("shop:payment_start", args=[order.number]), {"provider": "vnpay"}
    )
    assert response.status_code == 302, response.content
    location = response["Location"]
    assert location.startswith(gateway.payment_url + "?")
    with urllib.request.urlopen(location, timeout=10) as page:
        html = page.read().decode()
    assert not gateway.rejected, gateway.rejected
    assert "Thanh toan" in html
    params = gateway.payment_requests[-1]
    return Payment.objects.get(reference=params["vnp_TxnRef"]), params


# --- the signed redirect --------------------------------------------------------------------


@pytest.mark.django_db
def test_signed_redirect_is_accepted_by_the_gateway(fake_vnpay, settings):
    order = OrderFactory(unit_price=Decimal("125000"), quantity=3)
    payment, params = vnpay_start(order, fake_vnpay)
    assert params["vnp_Version"] == "2.1.0"
    assert params["vnp_Command"] == "pay"
    assert params["vnp_TmnCode"] == "TESSERA1"
    assert params["vnp_Amount"] == "37500000"  # 375,000 VND × 100
    assert params["vnp_CurrCode"] == "VND"
    assert params["vnp_TxnRef"] == payment.reference
    assert order.number in params["vnp_OrderInfo"]
    assert params["vnp_OrderType"] == "other" and params["vnp_Locale"] == "vn"
    assert params["vnp_ReturnUrl"] == "http://testserver/payments/vnpay/return/"
    assert params["vnp_IpAddr"] == "127.0.0.1"
    # Dates in Vietnam's time (GMT+7), yyyyMMddHHmmss.
    created = datetime.strptime(params["vnp_CreateDate"], "%Y%m%d%H%M%S")
    now_gmt7 = datetime.utcnow() + timedelta(hours=7)
    assert abs((created - now_gmt7).total_seconds()) < 60
    assert params["vnp_ExpireDate"] > params["vnp_CreateDate"]
    assert payment.raw["vnp_CreateDate"] == params["vnp_CreateDate"]


@pytest.mark.django_db
def test_gateway_rejects_a_changed_redirect(fake_vnpay):
    order = OrderFactory()
    client = Client()
    client.force_login(order.user)
    location = client.post(
        reverse("shop:payment_start", args=[order.number]), {"provider": "vnpay"}
    )["Location"]
    with urllib.request.urlopen(
        location.replace("vnp_Amount=50000000", "vnp_Amount=100"), timeout=10
    ) as page:
        assert "invalid signature" in page.read().decode()
    assert fake_vnpay.rejected and not fake_vnpay.payment_requests


# --- the IPN --------------------------------------------------------------------------------


def _state(order, payment):
    order.refresh_from_db()
    payment.refresh_from_db()
    return order.status, payment.status


@pytest.mark.django_db(transaction=True)
def test_valid_ipn_pays_once_and_a_repeat_answers_02(gateway):
    order = OrderFactory()
    payment, params = vnpay_start(order, gateway)
    result = gateway.result_params(params)
    assert gateway.send_ipn(result) == (200, {"RspCode": "00", "Message": "Confirm Success"})
    assert _state(order, payment) == (Order.Status.PAID, Payment.Status.SUCCEEDED)
    assert payment.provider_transaction == result["vnp_TransactionNo"]
    assert order.payment_method == "vnpay"

    repeat = gateway.send_ipn(result)
    assert repeat == (200, {"RspCode": "02", "Message": "Order already confirmed"})
    assert paid_changes(order) == 1
    assert paid_emails(order) == 1
    assert ProcessedCallback.objects.filter(provider="vnpay", payment=payment).count() == 1


@pytest.mark.django_db(transaction=True)
def test_tampered_signature_answers_97_and_changes_nothing(gateway):
    order = OrderFactory()
    payment, params = vnpay_start(order, gateway)
    result = gateway.result_params(params)
    tampered = {**result, "vnp_SecureHash": "0" * 128}
    assert gateway.send_ipn(tampered)[1] == {"RspCode": "97", "Message": "Invalid signature"}
    edited = {**result, "vnp_ResponseCode": "00", "vnp_TxnRef": payment.reference + "X"}
    edited["vnp_Amount"] = "1"
    assert gateway.send_ipn(edited)[1]["RspCode"] == "97"
    unsigned = {k: v for k, v in result.items() if k != "vnp_SecureHash"}
    assert gateway.send_ipn(unsigned)[1]["RspCode"] == "97"
    assert _state(order, payment) == (Order.Status.PENDING_PAYMENT, Payment.Status.INITIATED)
    assert not ProcessedCallback.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_wrong_amount_answers_04(gateway):
    order = OrderFactory()
    payment, params = vnpay_start(order, gateway)
    result = gateway.result_params(params, vnp_Amount=str(int(params["vnp_Amount"]) - 100))
    assert gateway.send_ipn(result)[1] == {"RspCode": "04", "Message": "Invalid amount"}
    assert _state(order, payment) == (Order.Status.PENDING_PAYMENT, Payment.Status.INITIATED)


@pytest.mark.django_db(transaction=True)
def test_ipn_for_another_terminal_answers_97_and_changes_nothing(gateway):
    """Signed with our secret but for another terminal (a second shop sharing the secret,
    or a misrouted callback): not ours to apply."""
    order = OrderFactory()
    payment, params = vnpay_start(order, gateway)
    result = gateway.result_params(params, vnp_TmnCode="OTHERTMN")
    assert gateway.send_ipn(result)[1] == {"RspCode": "97", "Message": "Invalid signature"}
    assert _state(order, payment) == (Order.Status.PENDING_PAYMENT, Payment.Status.INITIATED)
    assert not ProcessedCallback.objects.exists()
    # The same result for our terminal still pays.
    assert gateway.send_ipn(gateway.result_params(params))[1]["RspCode"] == "00"
    assert _state(order, payment) == (Order.Status.PAID, Payment.Status.SUCCEEDED)


@pytest.mark.django_db(transaction=True)
def test_ipn_in_another_currency_answers_04_and_changes_nothing(gateway):
    order = OrderFactory()
    payment, params = vnpay_start(order, gateway)
    result = gateway.result_params(params, vnp_CurrCode="USD")
    assert gateway.send_ipn(result)[1] == {"RspCode": "04", "Message": "Invalid amount"}
    assert _state(order, payment) == (Order.Status.PENDING_PAYMENT, Payment.Status.INITIATED)
    # VND, said or left out (VNPAY's IPN usually leaves it out), is accepted.
    assert gateway.send_ipn(gateway.result_params(params, vnp_CurrCode="VND"))[1]["RspCode"] == "00"
    assert _state(order, payment) == (Order.Status.PAID, Payment.Status.SUCCEEDED)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "forged",
    ["é" * 128, "\u0111" + "0" * 127, "０" * 128],
    ids=["latin-accent", "vietnamese-d", "fullwidth-digits"],
)
def test_non_ascii_secure_hash_answers_97_not_99(fake_vnpay, client, forged):
    order = OrderFactory()
    payment, params = vnpay_start(order, fake_vnpay)
    result = {**fake_vnpay.result_params(params), "vnp_SecureHash": forged}
    response = client.get(reverse("shop:vnpay_ipn"), result)
    assert response.status_code == 200
    assert response.json() == {"RspCode": "97", "Message": "Invalid signature"}
    # The buyer's return page says it cannot verify the result instead of failing.
    page = client.get(reverse("shop:vnpay_return"), result)
    assert page.status_code == 400
    assert b"could not verify" in page.content
    assert _state(order, payment) == (Order.Status.PENDING_PAYMENT, Payment.Status.INITIATED)


@pytest.mark.django_db
def test_non_ascii_mock_secure_hash_answers_97(client):
    forged = "é" * 128
    order = OrderFactory()
    params = {
        "mock_TxnRef": "TS2026000001ABCDEF",
        "mock_Amount": "100",
        "mock_ResponseCode": "00",
        "mock_SecureHash": forged,
    }
    response = client.get(reverse("shop:mock_ipn"), params)
    assert response.json() == {"RspCode": "97", "Message": "Invalid signature"}
    assert client.get(reverse("shop:mock_return"), params).status_code == 400
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_a_lone_surrogate_in_any_field_is_an_invalid_signature_not_an_error():
    """Only Python callers can pass one (HTTP decoding replaces them), but the check must
    still answer instead of raising."""
    signed = {"vnp_TxnRef": "\ud800", "vnp_SecureHash": "\udcff" * 128}
    assert not signing.signature_valid(signed, secret="S", prefix="vnp_")


@pytest.mark.django_db(transaction=True)
def test_unknown_txnref_answers_01(gateway):
    order = OrderFactory()
    payment, params = vnpay_start(order, gateway)
    result = gateway.result_params(params, vnp_TxnRef="NOSUCHREF123456")
    assert gateway.send_ipn(result)[1] == {"RspCode": "01", "Message": "Order not found"}
    assert _state(order, payment) == (Order.Status.PENDING_PAYMENT, Payment.Status.INITIATED)


@pytest.mark.django_db(transaction=True)
def test_failed_payment_marks_the_payment_failed_and_the_order_waits(gateway):
    order = OrderFactory()
    payment, params = vnpay_start(order, gateway)
    result = gateway.result_params(params, response_code="24")  # the buyer canceled
    assert gateway.send_ipn(result)[1] == {"RspCode": "00", "Message": "Confirm Success"}
    assert _state(order, payment) == (Order.Status.PENDING_PAYMENT, Payment.Status.FAILED)
    assert gateway.send_ipn(result)[1]["RspCode"] == "02"
    # A fresh attempt, with a new TxnRef, can still pay the order.
    second, params = vnpay_start(order, gateway)
    assert second.reference != payment.reference
    assert gateway.send_ipn(gateway.result_params(params))[1]["RspCode"] == "00"
    assert _state(order, second) == (Order.Status.PAID, Payment.Status.SUCCEEDED)


@pytest.mark.django_db(transaction=True)
def test_success_code_with_a_failed_transaction_status_is_not_paid(gateway):
    order = OrderFactory()
    payment, params = vnpay_start(order, gateway)
    result = gateway.result_params(params, response_code="00", transaction_status="02")
    assert gateway.send_ipn(result)[1]["RspCode"] == "00"
    assert _state(order, payment) == (Order.Status.PENDING_PAYMENT, Payment.Status.FAILED)


@pytest.mark.django_db(transaction=True)
def test_late_payment_without_stock_is_refunded_through_the_gateway_and_flagged(gateway):
    order = OrderFactory(stock_left=0)
    payment, params = vnpay_start(order, gateway)
    order_expire(order, stock_after=0)  # someone else bought the released units

    result = gateway.result_params(params)
    assert gateway.send_ipn(result)[1] == {"RspCode": "00", "Message": "Confirm Success"}
    assert _state(order, payment) == (Order.Status.CANCELED, Payment.Status.UNAPPLIED)
    assert paid_changes(order) == 0

    [sent] = gateway.refunds
    assert sent["vnp_TxnRef"] == payment.reference
    assert sent["vnp_Amount"] == "50000000"
    assert sent["vnp_TransactionType"] == "02"  # full refund
    assert sent["vnp_TransactionNo"] == result["vnp_TransactionNo"]
    assert sent["vnp_TransactionDate"] == params["vnp_CreateDate"]
    refund = Refund.objects.get(payment=payment)
    assert refund.status == Refund.Status.DONE and refund.reference
    assert refund.amount == Decimal("500000")
    assert "refunded automatically" in order.needs_attention
    assert gateway.send_ipn(result)[1]["RspCode"] == "02"
    assert len(gateway.refunds) == 1


@pytest.mark.django_db(transaction=True)
def test_late_payment_whose_refund_fails_stays_flagged_for_staff(gateway):
    gateway.refund_answer_code = "94"  # VNPAY: a refund for this transaction is in progress
    order = OrderFactory(stock_left=0)
    payment, params = vnpay_start(order, gateway)
    order_expire(order, stock_after=0)

    assert gateway.send_ipn(gateway.result_params(params))[1]["RspCode"] == "00"
    assert _state(order, payment) == (Order.Status.CANCELED, Payment.Status.UNAPPLIED)
    refund = Refund.objects.get(payment=payment)
    assert refund.status == Refund.Status.FAILED
    assert "94" in refund.note
    assert "NOT refunded" in order.needs_attention


@pytest.mark.django_db(transaction=True)
def test_late_payment_while_stock_is_still_there_is_accepted(gateway):
    order = OrderFactory(stock_left=0)
    payment, params = vnpay_start(order, gateway)
    order_expire(order)  # the two units went back on the shelf, nobody took them

    assert gateway.send_ipn(gateway.result_params(params))[1]["RspCode"] == "00"
    assert _state(order, payment) == (Order.Status.PAID, Payment.Status.SUCCEEDED)
    assert order.reserved and not order.needs_attention
    assert not gateway.refunds
    from shop.models import Product

    assert Product.objects.get(pk=int(order.lines.get().ref)).stock == 0


# --- the return page ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_return_page_shows_the_result_without_changing_state(gateway, live_server):
    order = OrderFactory()
    payment, params = vnpay_start(order, gateway)
    result = gateway.result_params(params)
    return_url = live_server.url + reverse("shop:vnpay_return")
    from urllib.parse import urlencode

    # The buyer comes back before the IPN: the page says so and changes nothing.
    with urllib.request.urlopen(f"{return_url}?{urlencode(result)}", timeout=10) as page:
        html = page.read().decode()
    assert "Payment being confirmed" in html
    assert _state(order, payment) == (Order.Status.PENDING_PAYMENT, Payment.Status.INITIATED)

    gateway.send_ipn(result)
    with urllib.request.urlopen(f"{return_url}?{urlencode(result)}", timeout=10) as page:
        assert "Payment received" in page.read().decode()

    forged = {**result, "vnp_ResponseCode": "24"}
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{return_url}?{urlencode(forged)}", timeout=10)
    assert error.value.code == 400


@pytest.mark.django_db(transaction=True)
def test_full_round_trip_gateway_pays_then_sends_the_buyer_back(gateway):
    gateway.auto_result = "00"
    order = OrderFactory()
    client = Client()
    client.force_login(order.user)
    location = client.post(
        reverse("shop:payment_start", args=[order.number]), {"provider": "vnpay"}
    )["Location"]
    with urllib.request.urlopen(location, timeout=20) as page:  # follows the 302 back
        assert urlsplit(page.url).path == reverse("shop:vnpay_return")
        assert "Payment received" in page.read().decode()
    assert gateway.ipn_replies == [{"RspCode": "00", "Message": "Confirm Success"}]
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


# --- refunds by staff -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_staff_partial_and_full_refunds_reach_the_gateway(gateway):
    from project.accounts.tests.factories import UserFactory
    from shop.services.refunds import order_refund

    order = OrderFactory()
    payment, params = vnpay_start(order, gateway)
    gateway.send_ipn(gateway.result_params(params))
    order.refresh_from_db()
    staff = UserFactory(verified=True)

    part = order_refund(order=order, actor=staff, amount=Decimal("100000"), reason="Dented box")
    rest = order_refund(order=order, actor=staff, reason="Returned")
    assert [r["vnp_TransactionType"] for r in gateway.refunds] == ["03", "03"]
    assert [r["vnp_Amount"] for r in gateway.refunds] == ["10000000", "40000000"]
    assert part.reference and rest.reference
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED


@pytest.mark.django_db
def test_refund_when_the_gateway_is_unreachable_raises_refund_failed(settings):
    from shop.payments.base import RefundFailed

    settings.VNPAY_TMN_CODE = "T"
    settings.VNPAY_HASH_SECRET = "S"
    settings.VNPAY_API_URL = "http://127.0.0.1:9/merchant_webapi/api/transaction"
    settings.VNPAY_TIMEOUT_SECONDS = 2
    order = OrderFactory()
    payment = Payment.objects.create(
        order=order,
        provider="vnpay",
        reference="TSX0000000001",
        amount=order.total,
        currency="VND",
        status=Payment.Status.SUCCEEDED,
    )
    with pytest.raises(RefundFailed, match="could not be reached"):
        VnpayProvider().refund(payment=payment, amount=payment.amount)


# --- concurrency ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_ipn_replayed_10_times_at_once_pays_once_and_mails_once(gateway, mailoutbox):
    order = OrderFactory()
    payment, params = vnpay_start(order, gateway)
    result = gateway.result_params(params)
    results = run_together(10, lambda i: gateway.send_ipn(result)[1]["RspCode"])

    assert errors(results) == []
    replies = results
    assert sorted(replies) == ["00"] + ["02"] * 9
    assert _state(order, payment) == (Order.Status.PAID, Payment.Status.SUCCEEDED)
    assert paid_changes(order) == 1
    assert paid_emails(order) == 1
    # Deliver what is queued, as a worker would: the one row goes out once (a row already
    # sent by the eager task is not claimed again).
    for pk in OutboxMessage.objects.values_list("pk", flat=True):
        outbox_deliver(message_pk=pk)
    subject = f"Payment received for order {order.number}"
    assert [m.subject for m in mailoutbox].count(subject) == 1
    assert (
        OutboxMessage.objects.filter(kind="shop_order_email", payload__template="paid").count() == 1
    )
