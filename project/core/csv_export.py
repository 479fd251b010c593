"""The one CSV writer of every download (staff products and orders, attendee lists).

Spreadsheets run a cell that starts with = + - @ TAB or CR as a formula, so a product or
organization called `=HYPERLINK(...)` would become a live link in staff's spreadsheet.
Every text cell that starts with one of them gets a leading apostrophe (the OWASP rule);
numbers are written as they are, since they cannot carry a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# So spreadsheet apps read the file as UTF-8 (đ, ₸).
BOM = "\ufeff"


def csv_cell(value) -> str | int | float | Decimal:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def csv_response(
    rows: Iterable[Iterable], *, filename: str, streaming: bool = False
) -> HttpResponse | StreamingHttpResponse:
    """A download of `rows` (the header first). `streaming` writes rows as they are read,
    for lists too long to build in memory."""
    writer = csv.writer(_Echo())

    def lines():
        yield BOM
        for row in rows:
            yield writer.writerow([csv_cell(value) for value in row])

    if streaming:
        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse("".join(lines()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
