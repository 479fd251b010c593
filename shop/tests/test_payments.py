"""Payments: provider registry, starting a payment, the mock sandbox and its callbacks."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from project.accounts.tests.factories import UserFactory
from shop.models import (
    Order,
    OrderLine,
    Payment,
    ProcessedCallback,
    Refund,
)
from shop.payments.mock import mock_callback_params
from shop.payments.registry import available_providers
from shop.payments.services import payment_confirm
from shop.tests.factories import OrderFactory, mock_payment_start, order_expire, paid_changes


@pytest.fixture
def vnpay_keys(settings):
    settings.VNPAY_TMN_CODE = "TESSERA1"
    settings.VNPAY_HASH_SECRET = "SECRETSECRETSECRET"
    settings.VNPAY_PAYMENT_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    return settings


# --- registry -------------------------------------------------------------------------------


def test_mock_is_the_embedded_default_and_vnpay_needs_its_keys(settings):
    settings.VNPAY_TMN_CODE = settings.VNPAY_HASH_SECRET = settings.VNPAY_PAYMENT_URL = ""
    assert [code for code, _ in available_providers()] == ["mock"]
    settings.VNPAY_TMN_CODE = "TESSERA1"
    settings.VNPAY_HASH_SECRET = "secret"
    assert [code for code, _ in available_providers()] == ["mock"]  # no payment URL yet
    settings.VNPAY_PAYMENT_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    assert [code for code, _ in available_providers()] == ["mock", "vnpay"]


def test_production_switches_the_mock_off_unless_asked(settings):
    settings.DEBUG = False
    settings.PAYMENTS_MOCK_ENABLED = False
    assert "mock" not in dict(available_providers())
    settings.DEBUG = True
    assert "mock" in dict(available_providers())


@pytest.mark.django_db
def test_sandbox_pages_are_gone_when_the_mock_is_off(client, settings):
    settings.DEBUG = False
    settings.PAYMENTS_MOCK_ENABLED = False
    assert client.get(reverse("shop:mock_ipn")).status_code == 404


# --- starting a payment ---------------------------------------------------------------------


@pytest.mark.django_db
def test_pay_page_shows_the_choice_and_only_a_post_starts_a_payment(client):
    order = OrderFactory()
    client.force_login(order.user)
    page = client.get(reverse("shop:payment_start", args=[order.number]))
    assert page.status_code == 200 and "Continue to payment" in page.text
    assert not Payment.objects.exists()  # a GET (or a prefetch) starts nothing
    payment = mock_payment_start(client, order)
    assert payment.status == Payment.Status.INITIATED
    assert payment.amount == order.total == Decimal("500000")
    assert payment.currency == "VND" and payment.provider == "mock"
    assert 12 <= len(payment.reference) <= 64


@pytest.mark.django_db
def test_every_attempt_gets_its_own_reference(client):
    order = OrderFactory()
    mock_payment_start(client, order)
    client.post(reverse("shop:payment_start", args=[order.number]), {"provider": "mock"})
    references = list(order.payments.values_list("reference", flat=True))
    assert len(references) == 2 and len(set(references)) == 2


@pytest.mark.django_db
def test_pay_page_of_another_users_order_is_404(client):
    order = OrderFactory()
    client.force_login(UserFactory(verified=True))
    assert client.get(reverse("shop:payment_start", args=[order.number])).status_code == 404
    assert (
        client.post(
            reverse("shop:payment_start", args=[order.number]), {"provider": "mock"}
        ).status_code
        == 404
    )
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_pay_page_needs_login(client):
    order = OrderFactory()
    response = client.get(reverse("shop:payment_start", args=[order.number]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_paid_order_has_nothing_to_pay(client):
    order = OrderFactory(status=Order.Status.PAID)
    client.force_login(order.user)
    response = client.get(reverse("shop:payment_start", args=[order.number]))
    assert response.status_code == 200
    assert "Nothing to pay" in response.text
    response = client.post(reverse("shop:payment_start", args=[order.number]), {"provider": "mock"})
    assert "Nothing to pay" in response.text
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_an_overdue_order_cannot_start_a_payment(client):
    order = OrderFactory(expires_in=timedelta(minutes=-1))
    client.force_login(order.user)
    response = client.post(reverse("shop:payment_start", args=[order.number]), {"provider": "mock"})
    assert response.status_code == 400
    assert "has expired" in response.text
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_with_two_providers_the_buyer_chooses(client, vnpay_keys):
    order = OrderFactory()
    client.force_login(order.user)
    url = reverse("shop:payment_start", args=[order.number])
    page = client.get(url)
    assert page.status_code == 200
    assert "Test payment (sandbox)" in page.text and "VNPAY" in page.text
    assert not Payment.objects.exists()

    assert client.post(url, {"provider": "paypal"}).status_code == 400
    response = client.post(url, {"provider": "vnpay"})
    assert response.status_code == 302
    assert response["Location"].startswith("https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?")


@pytest.mark.django_db
def test_vnpay_refuses_orders_not_in_vnd_with_a_clear_message(client, vnpay_keys):
    order = OrderFactory(currency="USD", unit_price=Decimal("12.50"))
    client.force_login(order.user)
    response = client.post(
        reverse("shop:payment_start", args=[order.number]), {"provider": "vnpay"}
    )
    assert response.status_code == 400
    assert "VND" in response.text and "choose another payment method" in response.text
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_htmx_choice_redirects_the_whole_page(client, vnpay_keys):
    order = OrderFactory()
    client.force_login(order.user)
    response = client.post(
        reverse("shop:payment_start", args=[order.number]),
        {"provider": "mock"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/payments/mock/")

    response = client.post(
        reverse("shop:payment_start", args=[order.number]),
        {"provider": "bitcoin"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200  # swapped in place by htmx
    assert "Choose one of the payment methods" in response.text
    assert "<html" not in response.text


# --- the mock sandbox -----------------------------------------------------------------------


@pytest.mark.django_db
def test_sandbox_shows_the_order_and_both_buttons(client):
    order = OrderFactory()
    payment = mock_payment_start(client, order)
    page = client.get(reverse("shop:mock_sandbox", args=[payment.reference]))
    assert order.number in page.text
    assert "500.000 ₫" in page.text
    assert ">Approve</button>" in page.text and ">Decline</button>" in page.text


@pytest.mark.django_db
def test_sandbox_of_another_users_payment_is_404(client):
    payment = mock_payment_start(client, OrderFactory())
    client.force_login(UserFactory(verified=True))
    url = reverse("shop:mock_sandbox", args=[payment.reference])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "approve"}).status_code == 404


@pytest.mark.django_db
def test_sandbox_approve_pays_the_order_and_sends_the_paid_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    order = OrderFactory()
    payment = mock_payment_start(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("shop:mock_sandbox", args=[payment.reference]), {"decision": "approve"}
        )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("shop:mock_return") + "?")
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.PAID and order.paid_at
    assert order.payment_method == "mock"
    assert payment.status == Payment.Status.SUCCEEDED and payment.provider_transaction
    assert paid_changes(order) == 1
    assert [m.subject for m in mailoutbox] == [f"Payment received for order {order.number}"]

    result = client.get(response["Location"])
    assert result.status_code == 200
    assert "Payment received" in result.text and order.number in result.text
    assert order.get_absolute_url() in result.text


@pytest.mark.django_db
def test_sandbox_decline_fails_the_payment_and_the_order_waits(client):
    order = OrderFactory()
    payment = mock_payment_start(client, order)
    response = client.post(
        reverse("shop:mock_sandbox", args=[payment.reference]), {"decision": "decline"}
    )
    order.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert order.status == Order.Status.PENDING_PAYMENT
    result = client.get(response["Location"])
    assert "Payment declined" in result.text
    assert reverse("shop:payment_start", args=[order.number]) in result.text  # try again


@pytest.mark.django_db
def test_sandbox_buttons_do_nothing_twice(client):
    order = OrderFactory()
    payment = mock_payment_start(client, order)
    url = reverse("shop:mock_sandbox", args=[payment.reference])
    client.post(url, {"decision": "decline"})
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 409
    assert "already processed" in response.text
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


@pytest.mark.django_db
def test_mock_ipn_checks_signature_and_replays_like_a_gateway(client):
    order = OrderFactory()
    payment = mock_payment_start(client, order)
    params = mock_callback_params(payment=payment, approved=True)
    ipn = reverse("shop:mock_ipn")

    tampered = {**params, "mock_Amount": "100"}
    assert client.get(ipn, tampered).json() == {"RspCode": "97", "Message": "Invalid signature"}
    assert client.get(ipn, params).json() == {"RspCode": "00", "Message": "Confirm Success"}
    assert client.get(ipn, params).json()["RspCode"] == "02"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert paid_changes(order) == 1
    assert ProcessedCallback.objects.filter(provider="mock", result="paid").count() == 1


@pytest.mark.django_db
def test_return_page_only_shows(client):
    order = OrderFactory()
    payment = mock_payment_start(client, order)
    params = mock_callback_params(payment=payment, approved=True)
    page = client.get(reverse("shop:mock_return"), params)
    assert page.status_code == 200
    assert "Payment being confirmed" in page.text
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.INITIATED
    assert order.status == Order.Status.PENDING_PAYMENT

    forged = {**params, "mock_ResponseCode": "24"}
    page = client.get(reverse("shop:mock_return"), forged)
    assert page.status_code == 400
    assert "could not verify" in page.text


@pytest.mark.django_db
def test_late_mock_payment_without_stock_is_refunded_and_flagged(client):
    order = OrderFactory(stock_left=0)
    payment = mock_payment_start(client, order)
    order_expire(order, stock_after=0)

    response = client.post(
        reverse("shop:mock_sandbox", args=[payment.reference]), {"decision": "approve"}
    )
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.UNAPPLIED
    assert order.status == Order.Status.CANCELED
    refund = Refund.objects.get(payment=payment)
    assert refund.status == Refund.Status.DONE and refund.reference.startswith("MOCKRF")
    assert refund.amount == payment.amount
    assert "refunded automatically" in order.needs_attention
    assert payment.reference in order.needs_attention
    page = client.get(response["Location"])
    assert "after the order expired" in page.text


@pytest.mark.django_db
def test_unexpected_error_answers_99_and_rolls_back(client):
    order = OrderFactory()
    payment = mock_payment_start(client, order)
    # A line of a kind nobody registered: fulfilling it fails half way through paying.
    OrderLine.objects.create(
        order=order, kind="vanished", ref="1", title="Gone", unit_price=0, quantity=1, line_total=0
    )
    params = mock_callback_params(payment=payment, approved=True)
    result = payment_confirm(provider_code="mock", params=params)
    assert (result.code, result.message) == ("99", "Unknown error")
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.INITIATED
    assert order.status == Order.Status.PENDING_PAYMENT
    assert paid_changes(order) == 0
    assert not ProcessedCallback.objects.exists()


@pytest.mark.django_db
def test_staff_refund_goes_through_the_mock_provider():
    from shop.services.refunds import order_refund

    order = OrderFactory()
    payment = Payment.objects.create(
        order=order, provider="mock", reference="TSMOCK000001", amount=order.total, currency="VND"
    )
    params = mock_callback_params(payment=payment, approved=True)
    assert payment_confirm(provider_code="mock", params=params).code == "00"
    order.refresh_from_db()
    staff = UserFactory(verified=True)
    refund = order_refund(order=order, actor=staff, amount=Decimal("100000"), reason="Scratched")
    assert refund.reference.startswith("MOCKRF")
    assert refund.payment == payment


@pytest.mark.django_db
def test_late_payment_whose_refund_cannot_be_recorded_still_answers_00_and_stays_flagged(
    client,
):
    from tests.db_faults import db_refuses

    order = OrderFactory(stock_left=0)
    payment = mock_payment_start(client, order)
    order_expire(order, stock_after=0)
    params = mock_callback_params(payment=payment, approved=True)

    # The database refuses the refund row: the automatic refund cannot even start.
    with db_refuses(Refund, operation="INSERT"):
        response = client.get(reverse("shop:mock_ipn"), params)
    assert response.status_code == 200
    assert response.json() == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.UNAPPLIED
    assert not Refund.objects.exists()
    assert "automatic refund did not complete" in order.needs_attention
    assert payment.reference in order.needs_attention
    # The gateway's retry is told the payment was handled.
    assert client.get(reverse("shop:mock_ipn"), params).json()["RspCode"] == "02"
