"""The role dashboards in Vietnamese and Russian."""

import pytest
from django.urls import reverse

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory


@pytest.mark.django_db
def test_customer_dashboard_reads_in_russian(client):
    client.force_login(UserFactory(name="Chau"))
    client.cookies["tessera_language"] = "ru"
    page = client.get(reverse("dashboards:role", args=["customer"])).content.decode()
    assert "Ваши заказы, билеты, сборки и бусты в реальном времени — в одном месте." in page
    assert "Заказов пока нет" in page
    assert "Связаться с поддержкой" in page
    assert "Contact support" not in page


@pytest.mark.django_db
def test_staff_dashboard_reads_in_vietnamese(client):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    client.cookies["tessera_language"] = "vi"
    page = client.get(reverse("dashboards:role", args=["staff"])).content.decode()
    assert "Tổng quan danh mục, tồn kho và hỗ trợ." in page
    assert "Hàng đợi hỗ trợ" in page
    assert "Không có cuộc trò chuyện đang mở" in page
