"""PDF invoices, rendered with WeasyPrint from shop/templates/shop/invoice.html.

WeasyPrint is imported inside the function: importing it takes most of a second, and only
the processes that render invoices should pay that. The renderer fetches nothing from the
network: only files under STATIC_URL, found by the static-files finders.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


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


def invoice_html(*, order) -> str:
    from .emails import address_lines

    return render_to_string(
        "shop/invoice.html",
        {
            "order": order,
            "lines": list(order.lines.all()),
            "address_lines": address_lines(order.shipping_address),
            "site_url": settings.SITE_URL,
            "seller": getattr(settings, "SHOP_SELLER_NAME", "Tessera"),
        },
    )


def invoice_pdf(*, order) -> bytes:
    import weasyprint

    html = invoice_html(order=order)
    return weasyprint.HTML(
        string=html, base_url=settings.SITE_URL + "/", url_fetcher=_static_only_fetcher()
    ).write_pdf()
