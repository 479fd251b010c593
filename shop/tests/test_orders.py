"""Orders: the status machine, paying, cancelling, expiry, e-mails, invoices and pages."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from shop.models import Order, OrderStatusChange, Product
from shop.services.invoices import invoice_pdf
from shop.services.orders import (
    ALLOWED_TRANSITIONS,
    AlreadyPaid,
    InvalidTransition,
    LatePaymentRejected,
    order_cancel,
    order_expire_overdue,
    order_pay,
    order_transition,
)
from shop.signals import order_paid, order_status_changed
from shop.tests.factories import ProductFactory
from shop.tests.kinds import order_for, pay

pytestmark = pytest.mark.django_db


def stock(product):
    """Units a buyer can still take (on hand less reserved)."""
    product.refresh_from_db()
    return product.available


@pytest.fixture
def user():
    return UserFactory(name="An Nguyen")


@pytest.fixture
def product():
    return ProductFactory(stock=10, price=Decimal("250000"), name="Walnut case")


def test_illegal_transitions_are_refused_and_leave_no_history(user, product):
    order = order_for(user, ("product", product.pk, 1))
    rows = OrderStatusChange.objects.count()
    for target in ("shipped", "completed", "refunded", "new", "bogus"):
        with pytest.raises(InvalidTransition):
            order_transition(order=order, to_status=target)
    order.refresh_from_db()
    assert order.status == "pending_payment"
    assert OrderStatusChange.objects.count() == rows
    assert ALLOWED_TRANSITIONS["canceled"] == set()


def test_each_transition_writes_who_when_and_why(user, product):
    staff = UserFactory(roles=[Role.STAFF])
    order = order_for(user, ("product", product.pk, 1))
    pay(order)
    order_transition(order=order, to_status="shipped", actor=staff, note="DHL 123")
    change = order.history.last()
    assert (change.from_status, change.to_status, change.actor, change.note) == (
        "paid",
        "shipped",
        staff,
        "DHL 123",
    )
    assert change.created is not None


def test_status_signal_and_paid_signal_are_sent_after_commit(
    user, product, django_capture_on_commit_callbacks
):
    seen = []

    def on_change(sender, order, from_status, to_status, **kwargs):
        seen.append((from_status, to_status))

    def on_paid(sender, order, **kwargs):
        seen.append(("paid!", order.number))

    order_status_changed.connect(on_change)
    order_paid.connect(on_paid)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            order = order_for(user, ("product", product.pk, 1))
            pay(order)
        assert seen == []
        for callback in callbacks:
            callback()
    finally:
        order_status_changed.disconnect(on_change)
        order_paid.disconnect(on_paid)
    assert ("new", "pending_payment") in seen and ("pending_payment", "paid") in seen
    assert ("paid!", order.number) in seen


def test_paying_fulfils_each_line_once(user, seat_kind):
    order = order_for(user, ("seat", "lubing", 1), ("seat", "soldering", 2))
    pay(order)
    assert order.status == "paid" and order.paid_at
    assert sorted(seat_kind.fulfilled) == sorted(order.lines.values_list("pk", flat=True))
    with pytest.raises(AlreadyPaid):
        pay(order)
    assert len(seat_kind.fulfilled) == 2


def test_customer_cancel_releases_stock(user, product):
    order = order_for(user, ("product", product.pk, 3))
    assert stock(product) == 7
    order_cancel(order=order, actor=user)
    assert order.status == "canceled" and not Order.objects.get().reserved
    assert stock(product) == 10
    with pytest.raises(InvalidTransition):
        order_cancel(order=order, actor=user)
    assert stock(product) == 10


def test_paid_orders_cannot_be_canceled_by_the_customer(user, product):
    order = order_for(user, ("product", product.pk, 1))
    pay(order)
    with pytest.raises(InvalidTransition, match="cannot be canceled"):
        order_cancel(order=order, actor=user)


def test_unpaid_orders_expire_and_release(user, product):
    overdue = order_for(user, ("product", product.pk, 2))
    fresh = order_for(user, ("product", product.pk, 1))
    paid = order_for(user, ("product", product.pk, 1))
    pay(paid)
    Order.objects.exclude(pk=fresh.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    from shop.tasks import order_expire_overdue as order_expire_task

    assert order_expire_task.delay().get() == 1  # the beat task, run eagerly
    overdue.refresh_from_db()
    assert overdue.status == "canceled" and not overdue.reserved
    assert overdue.history.last().note == "expired"
    assert stock(product) == 10 - 1 - 1
    assert order_expire_overdue() == 0


def test_late_payment_is_accepted_when_stock_can_be_held_again(user, product):
    order = order_for(user, ("product", product.pk, 2))
    Order.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    order_expire_overdue()
    assert stock(product) == 10

    pay(order)
    assert order.status == "paid" and order.reserved
    assert order.history.last().note == "late payment accepted"
    assert stock(product) == 8


def test_late_payment_is_rejected_when_stock_is_gone(user, product, seat_kind):
    order = order_for(user, ("seat", "lubing", 1), ("product", product.pk, 2))
    Order.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    order_expire_overdue()
    Product.objects.filter(pk=product.pk).update(stock=1)

    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        with pytest.raises(LatePaymentRejected, match="Walnut case"):
            order_pay(order=locked, payment=None)
    # The seat taken before the product failed was given back.
    assert seat_kind.seats["lubing"].available == 3
    assert stock(product) == 1
    order.refresh_from_db()
    assert order.status == "canceled" and not order.reserved


# --- e-mails and invoice ------------------------------------------------------------------


def test_emails_for_pending_paid_shipped_and_canceled(
    user, product, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_for(
            user,
            ("product", product.pk, 2),
            delivery_type="delivery",
            address={
                "recipient": "An Nguyen",
                "line1": "1 Le Loi",
                "city": "Hanoi",
                "country": "VN",
            },
        )
        pay(order)
        order_transition(order=order, to_status="shipped", note="Tracking VN123")
        other = order_for(user, ("product", product.pk, 1))
        order_cancel(order=other, actor=user)

    subjects = [m.subject for m in mailoutbox]
    assert subjects == [
        f"Order {order.number} received: waiting for payment",
        f"Payment received for order {order.number}",
        f"Order {order.number} is on its way",
        f"Order {other.number} received: waiting for payment",
        f"Order {other.number} was canceled",
    ]
    for message in mailoutbox:
        assert message.to == [user.email]
        html = message.alternatives[0][0]
        assert message.alternatives[0][1] == "text/html"
        assert "Hi An Nguyen" in message.body and "Hi An Nguyen" in html
        assert "Walnut case" in message.body and "Walnut case" in html
        assert "/orders/TS-" in message.body and "/orders/TS-" in html
    paid = mailoutbox[1]
    assert "500.000 ₫" in paid.body and "1 Le Loi" in paid.alternatives[0][0]
    ((name, content, mimetype),) = paid.attachments
    assert name == f"invoice-{order.number}.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    assert "Tracking VN123" in mailoutbox[2].body
    assert "has been canceled" in mailoutbox[4].body


def test_expiry_email_says_the_order_expired(
    user, product, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order_for(user, ("product", product.pk, 1))
        Order.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        order_expire_overdue()
    assert "did not receive the payment" in mailoutbox[-1].body


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_invoice_pdf_holds_the_number_lines_and_totals(user, product, seat_kind):
    order = order_for(user, ("product", product.pk, 2), ("seat", "lubing", 1))
    pay(order)
    text = pdf_text(invoice_pdf(order=order))
    assert order.number in text
    assert "Walnut case" in text and "Switch lubing workshop" in text
    assert "650.000 ₫" in text
    assert "PAID" in text


# --- customer pages -----------------------------------------------------------------------


def test_order_list_runs_the_same_queries_for_1_and_50_orders(client, user, seat_kind):
    seat_kind.seats["soldering"].available = 100
    client.force_login(user)
    order_for(user, ("seat", "soldering", 1))
    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse("shop:order_list"))
    assert response.status_code == 200
    for _ in range(49):
        order_for(user, ("seat", "soldering", 1))
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(reverse("shop:order_list"))
    assert len(fifty) == len(one)
    assert response.content.decode().count('href="/orders/TS-') == 20
    assert "Page <span" in response.content.decode()


def test_order_list_empty_state(client, user):
    client.force_login(user)
    assert "No orders yet" in client.get(reverse("shop:order_list")).content.decode()


def test_order_detail_shows_history_lines_and_actions(client, user, product):
    client.force_login(user)
    order = order_for(user, ("product", product.pk, 1))
    page = client.get(order.get_absolute_url()).content.decode()
    assert order.number in page and "Walnut case" in page
    assert "Pay now" in page and "Cancel order" in page and "Download invoice" not in page
    assert "Pending payment" in page
    pay(order)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Pay now" not in page and "Cancel order" not in page
    assert "Download invoice" in page


def test_another_users_order_is_404(client, user, product):
    order = order_for(user, ("product", product.pk, 1))
    pay(order)
    client.force_login(UserFactory())
    assert client.get(order.get_absolute_url()).status_code == 404
    assert client.get(reverse("shop:order_invoice", args=[order.number])).status_code == 404
    assert client.post(reverse("shop:order_cancel", args=[order.number])).status_code == 404
    order.refresh_from_db()
    assert order.status == "paid"


def test_customer_cancels_from_the_order_page(client, user, product):
    client.force_login(user)
    order = order_for(user, ("product", product.pk, 4))
    response = client.post(reverse("shop:order_cancel", args=[order.number]), follow=True)
    assert f"Order {order.number} was canceled." in response.content.decode()
    assert stock(product) == 10


def test_invoice_download(client, user, product):
    client.force_login(user)
    order = order_for(user, ("product", product.pk, 1))
    pay(order)
    response = client.get(reverse("shop:order_invoice", args=[order.number]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="invoice-{order.number}.pdf"' in response["Content-Disposition"]


def test_no_invoice_for_pending_or_canceled_orders(client, user, product):
    """An invoice is for money received: a pending or canceled order offers none."""
    staff = Client()
    staff.force_login(UserFactory(roles=[Role.STAFF]))
    client.force_login(user)
    pending = order_for(user, ("product", product.pk, 1))
    canceled = order_cancel(order=order_for(user, ("product", product.pk, 1)), actor=user)
    for order in (pending, canceled):
        assert "invoice" not in client.get(order.get_absolute_url()).content.decode().lower()
        assert client.get(reverse("shop:order_invoice", args=[order.number])).status_code == 404
        staff_page = staff.get(reverse("shop:staff_order_detail", args=[order.number]))
        assert "Invoice PDF" not in staff_page.content.decode()
        url = reverse("shop:staff_order_invoice", args=[order.number])
        assert staff.get(url).status_code == 404


# --- staff pages --------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    return client


def test_staff_pages_are_for_staff_only(client, user, product):
    order = order_for(user, ("product", product.pk, 1))
    client.force_login(user)
    # Customers are told the staff pages do not exist (project.accounts.access).
    assert client.get(reverse("shop:staff_order_list")).status_code == 404
    assert client.get(reverse("shop:staff_order_detail", args=[order.number])).status_code == 404
    response = client.post(
        reverse("shop:staff_order_status", args=[order.number]), {"to_status": "canceled"}
    )
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status != "canceled"


def test_staff_list_filters_exports_csv_and_keeps_queries_constant(staff_client, seat_kind):
    seat_kind.seats["soldering"].available = 100
    buyer = UserFactory(email="buyer@example.com")
    first = order_for(buyer, ("seat", "soldering", 1))
    with CaptureQueriesContext(connection) as one:
        assert staff_client.get(reverse("shop:staff_order_list")).status_code == 200
    orders = [order_for(buyer, ("seat", "soldering", 1)) for _ in range(49)]
    with CaptureQueriesContext(connection) as fifty:
        staff_client.get(reverse("shop:staff_order_list"))
    assert len(fifty) == len(one)

    pay(orders[0])
    page = staff_client.get(reverse("shop:staff_order_list"), {"status": "paid"}).content.decode()
    assert orders[0].number in page and first.number not in page
    page = staff_client.get(reverse("shop:staff_order_list"), {"q": first.number}).content.decode()
    assert first.number in page and orders[0].number not in page

    response = staff_client.get(
        reverse("shop:staff_order_list"), {"status": "paid"}, HTTP_HX_REQUEST="true"
    )
    assert response.content.decode().lstrip().startswith('<div id="orders-wrapper"')
    assert "<html" not in response.content.decode()

    response = staff_client.get(reverse("shop:staff_order_list"), {"_export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 51
    assert rows[0].startswith("Number,")
    assert any(orders[0].number in row and ",paid," in row for row in rows)


def test_staff_status_form_offers_only_legal_targets(staff_client, user, product):
    order = order_for(user, ("product", product.pk, 1))
    response = staff_client.get(reverse("shop:staff_order_detail", args=[order.number]))
    assert [value for value, _ in response.context["status_form"].fields["to_status"].choices] == [
        "canceled"
    ]
    pay(order)
    response = staff_client.get(reverse("shop:staff_order_detail", args=[order.number]))
    assert [value for value, _ in response.context["status_form"].fields["to_status"].choices] == [
        "shipped",
        "completed",
    ]
    response = staff_client.post(
        reverse("shop:staff_order_status", args=[order.number]), {"to_status": "canceled"}
    )
    assert response.status_code == 400
    response = staff_client.post(
        reverse("shop:staff_order_status", args=[order.number]),
        {"to_status": "shipped", "note": "DHL 42"},
        follow=True,
    )
    order.refresh_from_db()
    assert order.status == "shipped"
    assert "is now shipped" in response.content.decode()


def test_staff_cancel_releases_stock(staff_client, user, product):
    order = order_for(user, ("product", product.pk, 2))
    staff_client.post(
        reverse("shop:staff_order_status", args=[order.number]), {"to_status": "canceled"}
    )
    assert stock(product) == 10


def test_order_number_url_of_unknown_order_is_404(staff_client):
    assert staff_client.get(reverse("shop:staff_order_detail", args=["TS-1-1"])).status_code == 404


def test_staff_order_csv_neutralises_formulas(staff_client, product):
    buyer = UserFactory(email="=cmd+1@example.com")
    order_for(buyer, ("product", product.pk, 1))
    response = staff_client.get(reverse("shop:staff_order_list"), {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert rows[1][header.index("Customer")] == "'=cmd+1@example.com"


def test_staff_note_to_the_customer_and_internal_note_each_show_where_they_belong(
    staff_client, user, product, mailoutbox, django_capture_on_commit_callbacks
):
    order = order_for(user, ("product", product.pk, 1), delivery_type="pickup")
    pay(order)
    page = staff_client.get(reverse("shop:staff_order_detail", args=[order.number])).content
    assert b"Note to the customer" in page and b"Internal note" in page
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("shop:staff_order_status", args=[order.number]),
            {
                "to_status": "shipped",
                "note": "Tracking VN42 with GHN",
                "internal_note": "Box was dented, repacked by Minh",
            },
        )
    staff_page = staff_client.get(
        reverse("shop:staff_order_detail", args=[order.number])
    ).content.decode()
    assert "Tracking VN42 with GHN" in staff_page
    assert "Box was dented, repacked by Minh" in staff_page

    customer = Client()
    customer.force_login(user)
    customer_page = customer.get(order.get_absolute_url()).content.decode()
    assert "Tracking VN42 with GHN" in customer_page
    assert "Box was dented" not in customer_page

    shipped = mailoutbox[-1]
    assert shipped.subject == f"Order {order.number} is on its way"
    assert "Tracking VN42 with GHN" in shipped.body
    assert "Box was dented" not in shipped.body
    assert "Box was dented" not in shipped.alternatives[0][0]
