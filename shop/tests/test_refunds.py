"""Refunds: full and partial, restocking, limits, money back through the provider, and
what happens when the provider refuses or the database fails after the money went back."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from project.core.models import OutboxMessage
from shop.models import Order, Refund, StockMovement
from shop.services.refunds import RefundError, RefundPayoutFailed, order_refund, refund_retry
from shop.tests.factories import ProductFactory
from shop.tests.kinds import order_for, pay
from tests.db_faults import db_refuses

pytestmark = pytest.mark.django_db


def stock(product):
    """Units a buyer can still take (on hand less reserved)."""
    product.refresh_from_db()
    return product.available


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.STAFF])


@pytest.fixture
def paid_order():
    keycaps = ProductFactory(stock=10, price=Decimal("100000"), name="Keycaps")
    case = ProductFactory(stock=5, price=Decimal("300000"), name="Walnut case")
    order = order_for(UserFactory(), ("product", keycaps.pk, 3), ("product", case.pk, 1))
    pay(order)
    return order, keycaps, case


def test_full_refund_restocks_everything_and_refunds_the_money(
    paid_order, staff, mailoutbox, django_capture_on_commit_callbacks
):
    order, keycaps, case = paid_order
    assert (stock(keycaps), stock(case)) == (7, 4)
    with django_capture_on_commit_callbacks(execute=True):
        refund = order_refund(order=order, actor=staff, reason="Customer changed their mind")

    assert refund.amount == Decimal("600000")
    assert refund.reference.startswith("MOCKRF")
    assert refund.payment == order.payments.get()
    assert (stock(keycaps), stock(case)) == (10, 5)
    order.refresh_from_db()
    assert order.status == "refunded" and order.refunded_total == Decimal("600000")
    change = order.history.last()
    assert (change.to_status, change.actor, change.note) == (
        "refunded",
        staff,
        "Customer changed their mind",
    )
    assert StockMovement.objects.filter(kind="in", reason__contains=order.number).count() == 2
    email = mailoutbox[-1]
    assert email.subject == f"Refund for order {order.number}"
    assert "600.000 ₫" in email.body and "Customer changed their mind" in email.alternatives[0][0]
    assert sum(1 for message in mailoutbox if message.subject.startswith("Refund")) == 1


def test_partial_refund_restocks_the_chosen_units(paid_order, staff):
    order, keycaps, case = paid_order
    line = order.lines.get(title="Keycaps")
    refund = order_refund(order=order, actor=staff, lines={line.pk: 2}, reason="Two arrived broken")

    assert refund.amount == Decimal("200000")
    assert refund.lines == [{"line": line.pk, "quantity": 2}]
    assert (stock(keycaps), stock(case)) == (9, 4)
    order.refresh_from_db()
    line.refresh_from_db()
    assert order.status == "paid" and order.refunded_total == Decimal("200000")
    assert line.refunded_quantity == 2

    with pytest.raises(RefundError, match="at most 1"):
        order_refund(order=order, actor=staff, lines={line.pk: 2}, reason="again")
    order_refund(order=order, actor=staff, lines={line.pk: 1}, reason="the last one")
    rest = order_refund(order=order, actor=staff, reason="the case too")
    assert rest.amount == Decimal("300000")
    order.refresh_from_db()
    assert order.status == "refunded"
    assert (stock(keycaps), stock(case)) == (10, 5)


def test_amount_only_refund_restocks_nothing(paid_order, staff):
    order, keycaps, _ = paid_order
    order_refund(order=order, actor=staff, amount=Decimal("50000"), reason="Late delivery")
    order.refresh_from_db()
    assert order.refunded_total == Decimal("50000") and order.status == "paid"
    assert stock(keycaps) == 7


@pytest.mark.parametrize(
    ("lines", "amount", "message"),
    [
        (None, Decimal("600000.01"), "At most 600000"),
        (None, Decimal("0"), "more than zero"),
        (None, "abc", "as a number"),
        ({999999: 1}, None, "not part of this order"),
        ({"x": 1}, None, "whole numbers"),
        ({}, None, "Choose the items"),
    ],
)
def test_refund_limits_are_checked(paid_order, staff, lines, amount, message):
    order, keycaps, _ = paid_order
    with pytest.raises(RefundError, match=message):
        order_refund(order=order, actor=staff, lines=lines, amount=amount, reason="test")
    assert not Refund.objects.exists()
    assert stock(keycaps) == 7


def test_a_reason_is_required_and_unpaid_orders_cannot_be_refunded(staff):
    product = ProductFactory()
    order = order_for(UserFactory(), ("product", product.pk, 1))
    with pytest.raises(RefundError, match="Say why"):
        order_refund(order=order, actor=staff, reason=" ")
    with pytest.raises(RefundError, match="only paid orders"):
        order_refund(order=order, actor=staff, reason="why not")


def test_refunds_of_another_kind_go_through_the_kind(seat_kind, staff):
    order = order_for(UserFactory(), ("seat", "lubing", 2))
    pay(order)
    line = order.lines.get()
    order_refund(order=order, actor=staff, lines={line.pk: 1}, reason="Cannot come")
    assert seat_kind.refunded == [(line.pk, 1)]
    assert seat_kind.seats["lubing"].available == 2


def test_staff_refund_form_full_and_partial(client, paid_order, staff):
    order, keycaps, _ = paid_order
    client.force_login(staff)
    url = reverse("shop:staff_order_refund", args=[order.number])
    line = order.lines.get(title="Keycaps")

    response = client.post(url, {"mode": "partial", "reason": "Broken"})
    assert response.status_code == 400
    assert "Choose the items or enter the amount to refund." in response.content.decode()

    response = client.post(url, {"mode": "partial", f"line_{line.pk}": 5, "reason": "Broken"})
    assert response.status_code == 400
    assert stock(keycaps) == 7

    response = client.post(
        url, {"mode": "partial", f"line_{line.pk}": 1, "reason": "Broken"}, follow=True
    )
    assert "Refunded 100000.00 VND" in response.content.decode()
    assert stock(keycaps) == 8

    response = client.post(url, {"mode": "full", "reason": "Return"}, follow=True)
    assert Order.objects.get(pk=order.pk).status == "refunded"
    assert stock(keycaps) == 10
    page = client.get(reverse("shop:staff_order_detail", args=[order.number])).content.decode()
    assert "Only paid orders can be refunded." in page


# --- the provider refuses, or the database fails after the money went back ------------------


@pytest.fixture
def vnpay_order(fake_vnpay):
    """A paid order (3 keycaps at 100,000 + a case at 300,000) whose money came through
    the fake VNPAY gateway, which counts the refund requests it receives."""
    keycaps = ProductFactory(stock=10, price=Decimal("100000"), name="Keycaps")
    case = ProductFactory(stock=5, price=Decimal("300000"), name="Walnut case")
    order = order_for(UserFactory(), ("product", keycaps.pk, 3), ("product", case.pk, 1))
    payment = pay(order, provider="vnpay")
    payment.provider_transaction = "14123456"
    payment.save(update_fields=["provider_transaction"])
    return order, keycaps, fake_vnpay


def refund_emails(order) -> int:
    return OutboxMessage.objects.filter(
        payload__order=order.pk, payload__template="refunded"
    ).count()


def test_a_failure_after_the_payout_never_pays_the_same_units_twice(vnpay_order, staff):
    order, keycaps, gateway = vnpay_order
    line = order.lines.get(title="Keycaps")

    # The money goes back, then the database refuses to record the refund as done.
    with (
        db_refuses(Refund, operation="UPDATE", when="NEW.status = 'done'"),
        pytest.raises(RefundPayoutFailed, match="do not refund it again") as failed,
    ):
        order_refund(order=order, actor=staff, lines={line.pk: 2}, reason="Two broken")
    assert len(gateway.refunds) == 1 and gateway.refunds[0]["vnp_Amount"] == "20000000"
    refund = Refund.objects.get()
    assert refund == failed.value.refund
    assert refund.status == Refund.Status.PENDING  # never paid out again automatically
    assert refund.reference  # the gateway's number is kept for staff
    order.refresh_from_db()
    line.refresh_from_db()
    assert "PAID OUT" in order.needs_attention and f"Refund #{refund.pk}" in order.needs_attention
    assert line.refunded_quantity == 2 and stock(keycaps) == 9  # restocked once
    assert order.refunded_total == 0 and refund_emails(order) == 0

    # Staff try again: the two units are taken, and the money on its way is not offered again.
    with pytest.raises(RefundError, match="at most 1"):
        order_refund(order=order, actor=staff, lines={line.pk: 2}, reason="Two broken")
    with pytest.raises(RefundError, match="At most 400000"):
        order_refund(order=order, actor=staff, amount=Decimal("600000"), reason="All of it")
    rest = order_refund(order=order, actor=staff, reason="The rest")
    assert rest.amount == Decimal("400000")
    assert [sent["vnp_Amount"] for sent in gateway.refunds] == ["20000000", "40000000"]
    assert stock(keycaps) == 10
    with pytest.raises(RefundError, match="Nothing is left"):
        order_refund(order=order, actor=staff, reason="Once more")
    assert len(gateway.refunds) == 2


def test_a_refused_refund_is_failed_keeps_the_goods_back_and_flags_the_order(
    client, vnpay_order, staff
):
    order, keycaps, gateway = vnpay_order
    line = order.lines.get(title="Keycaps")
    gateway.refund_answer_code = "94"  # VNPAY: a refund for this transaction is in progress
    client.force_login(staff)

    response = client.post(
        reverse("shop:staff_order_refund", args=[order.number]),
        {"mode": "partial", f"line_{line.pk}": 2, "reason": "Two broken"},
    )
    assert response.status_code == 400
    assert "The payment provider did not refund the money" in response.content.decode()
    assert "94" in response.content.decode()
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.FAILED and "94" in refund.note
    order.refresh_from_db()
    line.refresh_from_db()
    assert f"Refund #{refund.pk}" in order.needs_attention
    assert "NOT paid out" in order.needs_attention
    # The refund was decided: the units are back on sale and cannot be refunded twice;
    # only the money is owed.
    assert line.refunded_quantity == 2 and stock(keycaps) == 9
    assert order.status == "paid" and order.refunded_total == 0
    assert refund_emails(order) == 0

    # Once the gateway works again staff retry the same refund from the order page.
    page = client.get(reverse("shop:staff_order_detail", args=[order.number])).content.decode()
    retry_url = reverse("shop:staff_refund_retry", args=[order.number, refund.pk])
    assert "Retry the payout" in page and retry_url in page
    gateway.refund_answer_code = "00"
    assert client.post(retry_url).status_code == 302
    retried = Refund.objects.get()
    assert retried.pk == refund.pk and retried.status == Refund.Status.DONE
    # A refund id of another order is not found through this order's URL.
    other = reverse("shop:staff_refund_retry", args=["TS-2026-999999", refund.pk])
    assert client.post(other).status_code == 404
    order.refresh_from_db()
    assert order.refunded_total == Decimal("200000") and order.needs_attention == ""
    assert refund_emails(order) == 1 and stock(keycaps) == 9
    with pytest.raises(RefundError, match="is done"):
        refund_retry(refund=refund, actor=staff)
    assert len(gateway.refunds) == 2  # the refused request and the retry


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_each_refund_gets_a_numbered_credit_note_linked_and_attached(
    client, paid_order, staff, mailoutbox, django_capture_on_commit_callbacks
):
    order, keycaps, case = paid_order
    with django_capture_on_commit_callbacks(execute=True):
        first = order_refund(
            order=order, actor=staff, lines={order.lines.get(ref=keycaps.pk).pk: 2}, reason="Dented"
        )
        second = order_refund(order=order, actor=staff, amount=Decimal("50000"), reason="Late")

    email = mailoutbox[-2]
    assert email.subject == f"Refund for order {order.number}"
    ((name, data, mimetype),) = email.attachments
    assert (name, mimetype) == (f"credit-note-CN-{order.number}-1.pdf", "application/pdf")
    text = _pdf_text(data)
    assert "Credit note" in text and f"CN-{order.number}-1" in text
    assert f"Corrects invoice {order.number}" in text
    assert "Keycaps" in text and "200.000" in text and "Dented" in text
    assert "credit note for this refund is attached" in email.body
    assert f"credit-note-CN-{order.number}-2.pdf" == mailoutbox[-1].attachments[0][0]

    client.force_login(order.user)
    page = client.get(order.get_absolute_url()).content.decode()
    for refund in (first, second):
        url = reverse("shop:order_credit_note", args=[order.number, refund.pk])
        assert f'href="{url}"' in page
    response = client.get(reverse("shop:order_credit_note", args=[order.number, second.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert (
        "50.000" in _pdf_text(response.content)
        and f"CN-{order.number}-2" in response["Content-Disposition"]
    )

    # Someone else's order, or a refund of another order: 404.
    other = order_for(UserFactory(), ("product", keycaps.pk, 1))
    pay(other)
    assert (
        client.get(reverse("shop:order_credit_note", args=[other.number, first.pk])).status_code
        == 404
    )
    client.force_login(other.user)
    assert (
        client.get(reverse("shop:order_credit_note", args=[order.number, first.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("shop:order_credit_note", args=[other.number, first.pk])).status_code
        == 404
    )

    client.force_login(staff)
    page = client.get(reverse("shop:staff_order_detail", args=[order.number])).content.decode()
    url = reverse("shop:staff_order_credit_note", args=[order.number, first.pk])
    assert f'href="{url}"' in page and client.get(url).content.startswith(b"%PDF")


def test_a_refund_not_paid_out_has_no_credit_note(client, vnpay_order, staff):
    order, keycaps, gateway = vnpay_order
    gateway.refund_answer_code = "94"
    with pytest.raises(RefundPayoutFailed) as failure:
        order_refund(order=order, actor=staff, reason="Broken")
    client.force_login(staff)
    url = reverse("shop:staff_order_credit_note", args=[order.number, failure.value.refund.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("shop:staff_order_detail", args=[order.number])).content.decode()
    assert url not in page
