"""PDF invoices and credit notes, rendered with WeasyPrint from shop/templates/shop/.

An invoice exists only for money received (`Order.has_invoice`); each refund whose money
went back gets its own credit note, numbered after the invoice it corrects.

WeasyPrint is imported inside the function: importing it takes most of a second, and only
the processes that render PDFs should pay that. The renderer fetches nothing from the
network: only files under STATIC_URL, found by the static-files finders.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


class NoInvoice(LookupError):
    """The order has no invoice (nothing was paid) or the refund no credit note."""


def invoice_filename(order) -> str:
    return f"invoice-{order.number}.pdf"


def _static_only_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = urlsplit(url).path
            if not path.startswith(settings.STATIC_URL):
                raise ValueError(f"Invoices do not load {url}.")
            found = finders.find(path[len(settings.STATIC_URL) :])
            if not found:
                raise ValueError(f"No static file at {path}.")
            with open(found, "rb") as handle:
                body = handle.read()
            mimetype = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": mimetype})

    return StaticOnlyFetcher()


def _context(order) -> dict:
    from project.accounts.addresses import address_lines

    return {
        "order": order,
        "address_lines": address_lines(order.shipping_address),
        "pickup_location": settings.SHOP_PICKUP_LOCATION,
        "site_url": settings.SITE_URL,
        "seller": getattr(settings, "SHOP_SELLER_NAME", "Tessera"),
    }


def _pdf(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(
        string=html, base_url=settings.SITE_URL + "/", url_fetcher=_static_only_fetcher()
    ).write_pdf()


def invoice_html(*, order) -> str:
    if not order.has_invoice:
        raise NoInvoice(f"Order {order.number} has no invoice: nothing was paid.")
    return render_to_string(
        "shop/invoice.html",
        {**_context(order), "number": order.number, "lines": list(order.lines.all())},
    )


def invoice_pdf(*, order) -> bytes:
    """Raises NoInvoice for an order whose money never came in."""
    return _pdf(invoice_html(order=order))


# --- credit notes ---------------------------------------------------------------------------


def credit_note_number(refund) -> str:
    """`CN-<invoice number>-<n>`: the n-th refund of the order (refunds are never deleted,
    so the number never changes)."""
    position = refund.order.refunds.filter(pk__lte=refund.pk).count()
    return f"CN-{refund.order.number}-{position}"


def credit_note_filename(refund) -> str:
    return f"credit-note-{credit_note_number(refund)}.pdf"


def refund_line_items(refund, lines) -> list[dict]:
    """The refund's `{"line", "quantity", "amount"}` items, with the order's `lines`."""
    by_pk = {line.pk: line for line in lines}
    return [
        {
            "line": by_pk[item["line"]],
            "quantity": item["quantity"],
            "amount": by_pk[item["line"]].unit_price * item["quantity"],
        }
        for item in refund.lines
        if item.get("line") in by_pk
    ]


def credit_note_html(*, refund) -> str:
    from shop.models import Refund

    order = refund.order
    if refund.status != Refund.Status.DONE or not order.has_invoice:
        raise NoInvoice(f"Refund #{refund.pk} has not been paid out: no credit note yet.")
    return render_to_string(
        "shop/credit_note.html",
        {
            **_context(order),
            "refund": refund,
            "number": credit_note_number(refund),
            "items": refund_line_items(refund, order.lines.all()),
        },
    )


def credit_note_pdf(*, refund) -> bytes:
    """Raises NoInvoice for a refund whose money has not gone back."""
    return _pdf(credit_note_html(refund=refund))
