"""The one spreadsheet download: what a spreadsheet would run as a formula arrives as text,
CSV opens in Excel as UTF-8, and xlsx carries the same cells."""

import csv
import io
from decimal import Decimal

import django_tables2 as tables
import openpyxl
import pytest

from project.core.exports import TableExport


class RowTable(tables.Table):
    name = tables.Column()
    count = tables.Column()
    amount = tables.Column()
    note = tables.Column(default="")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_a_spreadsheet_would_run_get_a_leading_apostrophe(start):
    table = RowTable([{"name": f"{start}HYPERLINK(1)", "count": 1, "amount": 2}])
    body = TableExport("csv", table).export().encode("utf-8")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[1][0] == f"'{start}HYPERLINK(1)"
    sheet = openpyxl.load_workbook(io.BytesIO(TableExport("xlsx", table).export())).active
    cell = sheet["A2"].value  # xlsx stores a lone CR as a line break
    assert cell[0] == "'" and cell[2:] == "HYPERLINK(1)"


def test_csv_starts_with_a_bom_and_numbers_and_plain_text_stay_as_they_are():
    table = RowTable([{"name": "Nguyễn", "count": -5, "amount": Decimal("-1.50"), "note": None}])
    response = TableExport("csv", table).response(filename="x.csv")
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == ["Name,Count,Amount,Note", "Nguyễn,-5,-1.50,"]


def test_xlsx_keeps_numbers_as_numbers():
    table = RowTable([{"name": "Bàn phím", "count": 3, "amount": Decimal("1250000"), "note": ""}])
    response = TableExport("xlsx", table).response(filename="x.xlsx")
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]][:3] == ["Bàn phím", 3, 1250000]
