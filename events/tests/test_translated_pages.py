"""The events pages, answers and e-mails in Vietnamese and Russian: what a visitor who chose
the language (the `tessera_language` cookie, or their profile for e-mails) reads."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from events.models import Attendee
from events.services.tickets import ticket_hold
from project.accounts.tests.factories import UserFactory
from shop.kinds import NotAvailable

from .factories import EventFactory, LocationFactory, TicketTypeFactory, buy

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _read_in(client, language: str) -> None:
    client.cookies["tessera_language"] = language


def test_the_event_page_reads_in_vietnamese(client):
    ticket_type = TicketTypeFactory(quantity=7)
    LocationFactory(event=ticket_type.event)
    _read_in(client, "vi")

    page = client.get(ticket_type.event.get_absolute_url()).content.decode()

    assert 'lang="vi"' in page
    assert "Lịch trình" in page and "Ban tổ chức" in page
    assert "Chạy bộ" in page  # the sport's label
    assert "Còn 7" in page and "Thêm vào giỏ hàng" in page
    assert "Schedule" not in page and "Add to cart" not in page


def test_the_event_list_counts_events_in_russian_plurals(client):
    _read_in(client, "ru")
    EventFactory.create_batch(2)
    page = client.get(reverse("events:list")).content.decode()
    assert "2 мероприятия" in page
    EventFactory.create_batch(3)
    page = client.get(reverse("events:list")).content.decode()
    assert "5 мероприятий" in page
    assert "Поиск мероприятий…" in page  # the filter's placeholder


def test_the_check_in_answers_in_russian(client):
    ticket_type = TicketTypeFactory()
    buy(user=UserFactory(), ticket_type=ticket_type)
    ticket = Attendee.objects.get()
    event = ticket_type.event
    client.force_login(event.organization.memberships.get().user)
    _read_in(client, "ru")
    url = reverse("events_org:checkin", args=[event.organization.slug, event.pk])

    page = client.get(url).content.decode()
    assert "Контроль входа" in page and "Сканировать камерой" in page
    first = client.post(url, {"code": ticket.code}, **HX).content.decode()
    assert "Вход отмечен." in first
    second = client.post(url, {"code": ticket.code}, **HX).content.decode()
    assert "Вход уже отмечен в" in second
    unknown = client.post(url, {"code": "nope"}, **HX).content.decode()
    assert "У этой организации нет билета с таким кодом." in unknown


def test_the_organizer_event_page_reads_in_vietnamese(client):
    event = EventFactory(status="draft")
    client.force_login(event.organization.memberships.get().user)
    _read_in(client, "vi")

    page = client.get(reverse("events_org:detail", args=[event.organization.slug, event.pk]))

    html = page.content.decode()
    assert "Loại vé" in html and "Công bố" in html
    assert "Hãy thêm ít nhất một loại vé." in html  # a publish problem, from the service
    assert "Bản nháp" in html  # the status badge


def test_the_organization_dashboard_reads_in_russian(client):
    event = EventFactory()
    client.force_login(event.organization.memberships.get().user)
    _read_in(client, "ru")
    page = client.get(event.organization.get_absolute_url()).content.decode()
    assert "Участники" in page and "Роль" in page and "Настройки" in page


def test_tickets_e_mail_is_written_in_the_buyers_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    ticket_type = TicketTypeFactory(event=EventFactory(title="Sunrise Run"))
    LocationFactory(event=ticket_type.event)
    buyer = UserFactory(language="ru", name="Анна")
    with django_capture_on_commit_callbacks(execute=True):
        buy(user=buyer, ticket_type=ticket_type)

    [message] = [mail for mail in mailoutbox if "Sunrise Run" in mail.subject]
    assert message.subject == "Ваши билеты: Sunrise Run"
    assert "Здравствуйте, Анна!" in message.body
    assert "Покажите QR-код на входе" in message.body


def test_a_sold_out_answer_counts_in_russian():
    ticket_type = TicketTypeFactory(quantity=2)
    with translation.override("ru"), pytest.raises(NotAvailable) as refused:
        ticket_hold(ticket_type_id=ticket_type.pk, quantity=5)
    assert str(refused.value) == "Осталось всего 2 билета."
