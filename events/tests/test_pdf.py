"""The PDF ticket: A6, its text names the event, the attendee and the ticket type, and its
QR code (rendered to an image the way a phone camera sees the page) decodes back to the
ticket's code."""

from __future__ import annotations

import io
import subprocess

import pytest
from pypdf import PdfReader

from events.models import Attendee
from events.pdf import ticket_pdf, tickets_pdf
from project.accounts.tests.factories import UserFactory

from .factories import LocationFactory, TicketTypeFactory, buy

pytestmark = pytest.mark.django_db

A6_POINTS = (297.64, 419.53)  # 105 x 148 mm


def qr_codes_in(pdf: bytes, tmp_path) -> list[str]:
    from PIL import Image
    from pyzbar.pyzbar import ZBarSymbol, decode

    (tmp_path / "ticket.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", str(tmp_path / "ticket.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    found = []
    for image_path in sorted(tmp_path.glob("page*.png")):
        found += [
            symbol.data.decode()
            for symbol in decode(Image.open(image_path), symbols=[ZBarSymbol.QRCODE])
        ]
    return found


@pytest.fixture
def ticket():
    event = LocationFactory(event__title="Saigon Sunrise 10K").event
    ticket_type = TicketTypeFactory(event=event, name="Early bird")
    buy(user=UserFactory(name="Nguyen Thi Mai"), ticket_type=ticket_type)
    return Attendee.objects.select_related(
        "ticket_type__event__organization", "ticket_type__event__location", "order_line__order"
    ).get()


@pytest.mark.needs("pdftoppm", "zbar")
def test_pdf_ticket_holds_event_attendee_and_a_qr_code_of_the_ticket_code(ticket, tmp_path):
    pdf = ticket_pdf(attendee=ticket)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == pytest.approx(
        A6_POINTS, abs=0.5
    )
    text = reader.pages[0].extract_text()
    for expected in (
        "Saigon Sunrise 10K",
        "Nguyen Thi Mai",
        "Early bird",
        ticket.ticket_type.event.organization.name,
        ticket.code,
    ):
        assert expected in text
    assert qr_codes_in(pdf, tmp_path) == [ticket.code]


@pytest.mark.needs("pdftoppm", "zbar")
def test_several_tickets_make_one_page_each(ticket, tmp_path):
    buy(user=UserFactory(name="Tran Van Binh"), ticket_type=ticket.ticket_type)
    attendees = list(
        Attendee.objects.select_related(
            "ticket_type__event__organization",
            "ticket_type__event__location",
            "order_line__order",
        ).order_by("pk")
    )
    pdf = tickets_pdf(attendees=attendees)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    assert qr_codes_in(pdf, tmp_path) == [attendee.code for attendee in attendees]


def test_an_attendee_name_cannot_inject_markup_into_the_ticket(ticket):
    """The buyer chooses the name: it is printed as text, never parsed as HTML."""
    ticket.name = '<img src="http://127.0.0.1:9/x.png">Mai'
    text = PdfReader(io.BytesIO(ticket_pdf(attendee=ticket))).pages[0].extract_text()
    flat = "".join(text.split())  # the long name wraps over lines
    assert '<imgsrc="http://127.0.0.1:9/x.png">Mai' in flat
