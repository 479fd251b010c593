"""The shop's back office in Vietnamese and Russian: the staff pages, their tables, filters
and messages, and the low-stock e-mail in each staff member's own language."""

import pytest
from django.conf import settings
from django.urls import reverse

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from shop.models import Product
from shop.services.inventory import stock_adjust
from shop.tests.factories import CategoryFactory, ProductFactory, order_paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    return client


def reading(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_stock_page_reads_in_vietnamese(staff_client):
    product = ProductFactory(name="Gateron Yellow", stock=3, low_stock_threshold=5)
    stock_adjust(product=product, new_stock=2, reason="Kiểm kê", actor=None)

    page = reading(staff_client, "vi").get(reverse("shop:staff_stock") + f"?product={product.pk}")

    text = page.text
    assert page.status_code == 200
    assert "Tồn kho · Nhân viên · Tessera" in text  # the title
    assert "Điều chỉnh tồn kho" in text and "Sổ kho" in text
    assert "Trong kho" in text and "Có thể bán" in text
    assert "Tồn kho sau" in text  # a ledger column header
    assert "Điều chỉnh" in text  # the movement's kind
    assert "còn 2 (báo khi còn 5)" in text  # the low-stock list
    assert "Adjust stock" not in text and "Ledger" not in text


def test_the_product_list_filters_and_form_read_in_russian(staff_client):
    ProductFactory(name="Walnut case", stock=0)

    products = reading(staff_client, "ru").get(reverse("shop:staff_products")).text
    assert "Товары · Сотрудники · Tessera" in products
    assert "Все категории" in products and "Любой остаток" in products
    assert "Нет в наличии" in products  # the stock badge of the product
    assert "Новый товар" in products

    form = staff_client.get(reverse("shop:staff_product_create")).text
    assert "Начальный остаток" in form and "Физический товар (нужна доставка)" in form
    assert "Создать товар" in form


def test_a_stock_count_says_so_in_russian(staff_client):
    product = ProductFactory(name="Walnut case", stock=4)

    response = reading(staff_client, "ru").post(
        reverse("shop:staff_stock_adjust"),
        {"product": product.pk, "new_stock": 10, "reason": "Поставка"},
        follow=True,
    )

    assert "У «Walnut case» теперь на складе 10 (+6)." in response.text
    CategoryFactory(name="Switches", slug="switches")
    clash = staff_client.post(
        reverse("shop:staff_category_create"),
        {"name": "Клавиши", "slug": "switches", "position": 0},
    )
    assert "Этот слаг уже занят другой категорией." in clash.text


def test_the_staff_order_page_reads_in_russian(staff_client):
    buyer = UserFactory()
    product = ProductFactory(stock=5, name="Walnut case")
    order = order_paid(buyer, ("product", product.pk, 1))

    page = reading(staff_client, "ru").get(reverse("shop:staff_order_detail", args=[order.number]))

    text = page.text
    assert f"Заказ {order.number}" in text
    assert "Оплачен" in text  # the status badge, the label customers read too
    assert "Изменить статус" in text and "Обновить статус" in text
    assert "Позиции к возврату (частично)" in text
    assert 'data-confirm="Оформить возврат по заказу? Деньги вернутся покупателю."' in text

    listing = staff_client.get(reverse("shop:staff_order_list")).text
    assert "Любой статус" in listing and "Покупатель" in listing


def stock_mails(mailoutbox) -> list:
    return [mail for mail in mailoutbox if mail.to and "@staff.test" in mail.to[0] and mail.subject]


def test_the_low_stock_mail_reaches_each_staff_member_in_their_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(roles=[Role.STAFF], email="lan@staff.test", language="vi")
    UserFactory(roles=[Role.STAFF], email="ivan@staff.test", language="ru")
    UserFactory(roles=[Role.STAFF], email="sam@staff.test", language="")
    product = ProductFactory(name="Gateron Yellow", stock=8, low_stock_threshold=5)

    with django_capture_on_commit_callbacks(execute=True):
        stock_adjust(
            product=Product.objects.get(pk=product.pk), new_stock=3, reason="Count", actor=None
        )

    mails = {mail.to[0]: mail for mail in stock_mails(mailoutbox)}
    assert set(mails) == {"lan@staff.test", "ivan@staff.test", "sam@staff.test"}
    vi, ru, en = mails["lan@staff.test"], mails["ivan@staff.test"], mails["sam@staff.test"]
    assert vi.subject.endswith("Sắp hết hàng: Gateron Yellow (còn 3)")
    assert "Mức cần nhập thêm: 5" in vi.body
    assert ru.subject.endswith("Заканчивается: Gateron Yellow (доступно: 3)")
    html = next(content for content, mimetype in ru.alternatives if mimetype == "text/html")
    assert '<html lang="ru">' in html and "Открыть страницу остатков" in html
    assert en.subject.endswith("Low stock: Gateron Yellow (3 available)")
    assert "Restock level: 5" in en.body
