"""The support pages, sockets and e-mails in Vietnamese and Russian: each reader gets their
own language, whoever caused the message."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from support import services
from support.models import Message

from .factories import RoomFactory
from .test_consumers import ORIGIN, communicator, join, next_of_type, run


@pytest.mark.django_db
def test_contact_support_page_reads_in_vietnamese(client):
    client.force_login(UserFactory())
    client.cookies["tessera_language"] = "vi"
    page = client.get(reverse("support:home")).content.decode()
    assert "Liên hệ hỗ trợ" in page
    assert "Chưa có cuộc trò chuyện nào" in page
    assert "Contact support" not in page


@pytest.mark.django_db
def test_queue_page_reads_in_russian(client):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    client.cookies["tessera_language"] = "ru"
    page = client.get(reverse("support:queue")).content.decode()
    assert "Очередь поддержки" in page
    assert "Никто не ждёт" in page


@pytest.mark.django_db
def test_system_message_is_stored_once_and_read_in_each_language():
    customer = UserFactory(name="Chau Customer")
    staff = UserFactory(name="Sam Staff", roles=[Role.STAFF])
    room = RoomFactory(customer=customer)
    with translation.override("vi"):  # the staff member's page was in Vietnamese
        services.room_assign(room=room, staff=staff)
    message = Message.objects.get(room=room, kind=Message.Kind.SYSTEM)
    assert message.text == "Sam Staff joined the conversation."
    with translation.override("ru"):
        assert message.display_text == "Sam Staff присоединяется к переписке."
    with translation.override("vi"):
        assert message.display_text == "Sam Staff đã tham gia cuộc trò chuyện."


@pytest.mark.django_db
def test_room_page_shows_system_messages_and_chat_texts_in_the_page_language(client):
    customer = UserFactory(name="Chau Customer")
    staff = UserFactory(name="Sam Staff", roles=[Role.STAFF])
    room = RoomFactory(customer=customer)
    services.room_assign(room=room, staff=staff)
    client.force_login(customer)
    client.cookies["tessera_language"] = "ru"
    page = client.get(room.get_absolute_url()).content.decode()
    assert "Sam Staff присоединяется к переписке." in page
    assert 'data-text-typing="{name} печатает…"' in page
    assert "Отвечает:" in page


@pytest.mark.django_db(transaction=True)
def test_each_socket_hears_a_system_message_in_its_own_handshake_language():
    customer = UserFactory(name="Chau Customer")
    staff = UserFactory(name="Sam Staff", roles=[Role.STAFF])
    room = RoomFactory(customer=customer)

    async def body():
        cust = communicator(
            customer, slug=room.slug, headers=[*ORIGIN, (b"cookie", b"tessera_language=ru")]
        )
        await join(cust)
        agent = communicator(staff, slug=room.slug, headers=[*ORIGIN, (b"accept-language", b"vi")])
        history, _ = await join(agent)
        assert history[-1]["message"] == "Sam Staff đã tham gia cuộc trò chuyện."
        event = await next_of_type(cust, "system")
        assert event["message"] == "Sam Staff присоединяется к переписке."
        await cust.send_json_to({"message": 5})
        error = await next_of_type(cust, "error")
        assert (
            error["message"]
            == 'Отправьте JSON вида {"message": "Hello"}: "message" должно быть текстом.'
        )
        await cust.send_to(text_data="not json")
        error = await next_of_type(cust, "error")
        assert error["message"].startswith("Это не JSON.")
        await cust.disconnect()
        await agent.disconnect()

    run(body)


@pytest.mark.django_db
def test_missed_reply_email_is_in_the_customers_language(settings):
    settings.SUPPORT_MISSED_REPLY_MINUTES = 10
    customer = UserFactory(name="Chau Customer", language="vi")
    staff = UserFactory(name="Sam Staff", roles=[Role.STAFF])
    room = RoomFactory(customer=customer, subject="Giao hàng")
    services.room_assign(room=room, staff=staff)
    mail.outbox.clear()
    with translation.override("en"):
        services._missed_reply_deliver({"room": room.pk, "until": "2999-01-01T00:00:00+00:00"})
    (email,) = mail.outbox
    assert "Đội ngũ hỗ trợ đã trả lời trong cuộc trò chuyện “Giao hàng”" in email.body
    assert "Tiếp tục cuộc trò chuyện" in email.body
