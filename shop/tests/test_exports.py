"""Staff downloads: the product list as Excel, with its filters, and the page's links."""

import io

import openpyxl
import pytest

from project.accounts.tests.factories import UserFactory
from shop.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_staff_product_list_downloads_as_xlsx_with_the_filters_applied(client):
    ProductFactory(name="=Keycap set", stock=4)
    ProductFactory(name="Switch tester", stock=0)
    client.force_login(UserFactory(roles=["staff"]))
    page = client.get("/staff/shop/products/", {"q": "keycap"}).content.decode()
    assert "_export=xlsx" in page and "q=keycap" in page

    response = client.get("/staff/shop/products/", {"q": "keycap", "_export": "xlsx"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["id", "name", "slug"]
    assert len(rows) == 2 and rows[1][1] == "'=Keycap set" and rows[1][7] == 4
