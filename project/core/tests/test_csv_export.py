"""The one CSV writer: what a spreadsheet would run as a formula arrives as text."""

import csv
import io
from decimal import Decimal

import pytest

from project.core.csv_export import csv_response


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_a_spreadsheet_would_run_get_a_leading_apostrophe(start):
    response = csv_response([["name"], [f"{start}HYPERLINK(1)"]], filename="x.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == [f"'{start}HYPERLINK(1)"]


def test_numbers_and_plain_text_stay_as_they_are_and_streaming_gives_the_same_file():
    data = [["a", "b", "c", "d"], ["Nguyễn", -5, Decimal("-1.50"), None]]
    plain = csv_response(data, filename="x.csv")
    streamed = csv_response(iter(data), filename="x.csv", streaming=True)
    assert plain["Content-Disposition"] == 'attachment; filename="x.csv"'
    body = plain.content.decode("utf-8")
    assert body == b"".join(streamed.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff") and body.splitlines()[1] == "Nguyễn,-5,-1.50,"
