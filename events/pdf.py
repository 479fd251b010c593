"""PDF tickets (A6, one page per ticket) rendered by WeasyPrint from
templates/events/pdf/ticket.html, with the ticket code as a QR code made by segno.

WeasyPrint is imported inside the function (the import takes most of a second). The
renderer fetches nothing: the QR code is an inline data URI and the styles are inline, so
the fetcher only accepts `data:` URLs.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.template.loader import render_to_string


def ticket_qr_data_uri(code: str) -> str:
    """The code as a QR code, an SVG data URI (vector: sharp at any print size)."""
    import segno

    return segno.make(code, error="m", micro=False).svg_data_uri(scale=4, border=4)


def ticket_filename(attendee) -> str:
    return f"ticket-{attendee.ticket_type.event.slug[:40]}-{attendee.pk}.pdf"


def tickets_html(*, attendees) -> str:
    return render_to_string(
        "events/pdf/ticket.html",
        {
            "tickets": [
                {"attendee": attendee, "qr": ticket_qr_data_uri(attendee.code)}
                for attendee in attendees
            ],
            "site_url": settings.SITE_URL,
        },
    )


_fonts = threading.local()


def _font_config():
    """One FontConfiguration per thread, reused: building it (fontconfig, the font list)
    costs about a third of a small ticket's render time."""
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def tickets_pdf(*, attendees) -> bytes:
    """One PDF, one A6 page per attendee. The attendees need `ticket_type__event` (and its
    `location` and `organization`) loaded."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    return weasyprint.HTML(
        string=tickets_html(attendees=attendees),
        base_url=settings.SITE_URL + "/",
        url_fetcher=URLFetcher(allowed_protocols={"data"}),
    ).write_pdf(font_config=_font_config())


def ticket_pdf(*, attendee) -> bytes:
    return tickets_pdf(attendees=[attendee])
