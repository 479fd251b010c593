"""Order e-mails to the customer: pending, paid (invoice attached), shipped, refunded
(credit note attached), canceled. Each has a text and an HTML part (shop/templates/shop/emails/).

`order_email_queue` writes an outbox row inside the caller's transaction; the outbox sends
it after commit, and retries while the broker or mail server is away. The message is built
when it is sent, so the PDF invoice is not rendered while the order row is locked.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from project.accounts.addresses import address_lines
from project.core.mail import email_message, in_recipient_language
from project.core.outbox import outbox_enqueue, outbox_handler

OUTBOX_KIND = "shop_order_email"

SUBJECTS = {
    "pending": _("Order {number} received: waiting for payment"),
    "paid": _("Payment received for order {number}"),
    "shipped": _("Order {number} is on its way"),
    "refunded": _("Refund for order {number}"),
    "canceled": _("Order {number} was canceled"),
}


def order_email_queue(*, order, template: str, refund=None) -> None:
    if template not in SUBJECTS:
        raise ValueError(f"No order e-mail called {template!r}.")
    outbox_enqueue(
        kind=OUTBOX_KIND,
        payload={
            "order": order.pk,
            "template": template,
            "refund": refund.pk if refund is not None else None,
        },
    )


def order_email_build(*, order_pk: int, template: str, refund_pk=None) -> EmailMultiAlternatives:
    """The e-mail, written in the customer's language (their profile's, else the one the
    order was placed in), whatever language the request that sends it is in."""
    from shop.models import Order

    order = (
        Order.objects.select_related("user").prefetch_related("lines", "history").get(pk=order_pk)
    )
    with in_recipient_language(user=order.user, language=order.language):
        return _order_email(order=order, template=template, refund_pk=refund_pk)


def _order_email(*, order, template: str, refund_pk=None) -> EmailMultiAlternatives:
    from shop.models import Refund

    from .invoices import (
        credit_note_filename,
        credit_note_pdf,
        invoice_filename,
        invoice_pdf,
        refund_line_items,
    )

    refund = Refund.objects.filter(pk=refund_pk, order=order).first() if refund_pk else None
    last_change = next(
        (change for change in reversed(order.history.all()) if change.to_status == order.status),
        None,
    )
    refund_lines = refund_line_items(refund, order.lines.all()) if refund is not None else []
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "refund": refund,
        "refund_lines": refund_lines,
        "note": last_change.note if last_change else "",
        "customer_name": order.user.name or order.email.split("@")[0],
        "order_url": settings.SITE_URL + order.get_absolute_url(),
        "pay_url": settings.SITE_URL + _pay_path(order),
        "site_url": settings.SITE_URL,
        "address_lines": address_lines(order.shipping_address),
    }
    message = email_message(
        subject=str(SUBJECTS[template]).format(number=order.number),
        body=render_to_string(f"shop/emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.email],
    )
    message.attach_alternative(
        render_to_string(f"shop/emails/{template}.html", context), "text/html"
    )
    if template == "paid" and order.has_invoice:
        message.attach(invoice_filename(order), invoice_pdf(order=order), "application/pdf")
    if template == "refunded" and refund is not None and refund.status == Refund.Status.DONE:
        refund.order = order
        message.attach(
            credit_note_filename(refund), credit_note_pdf(refund=refund), "application/pdf"
        )
    return message


def _pay_path(order) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("shop:payment_start", kwargs={"number": order.number})
    except NoReverseMatch:
        return order.get_absolute_url()


@outbox_handler(OUTBOX_KIND)
def _send(payload: dict) -> None:
    order_email_build(
        order_pk=payload["order"], template=payload["template"], refund_pk=payload.get("refund")
    ).send()
