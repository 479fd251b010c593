"""The one spreadsheet download of every list (staff products and orders, attendee lists):
django-tables2's `TableExport` over a table, made safe for spreadsheet apps.

Spreadsheets run a cell that starts with = + - @ TAB or CR as a formula, so a product or
organization called `=HYPERLINK(...)` would become a live link in staff's spreadsheet.
Every text cell that starts with one of them gets a leading apostrophe (the OWASP rule);
numbers are written as they are, since they cannot carry a formula. CSV files start with
a UTF-8 byte order mark so Excel reads them as UTF-8 (đ, ₫).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django_tables2.export import TableExport as BaseTableExport
from tablib import Dataset

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# The formats a download offers (`?_export=csv`); xlsx is written by openpyxl.
EXPORT_FORMATS = ("csv", "xlsx")


def spreadsheet_cell(value):
    """A cell a spreadsheet shows as it is: text never starts a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class TableExport(BaseTableExport):
    """`TableExport(format, table).response(filename=...)`, with every cell neutralized."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        raw = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        dataset = Dataset(title=raw.title, headers=raw.headers)
        for row in raw:
            dataset.append([spreadsheet_cell(value) for value in row])
        return dataset

    def export(self):
        data = super().export()
        return BOM + data if self.format == self.CSV else data


def export_requested(request, *, param: str = "_export") -> str | None:
    """The format asked for in `?_export=` (csv or xlsx), or None for the page itself."""
    export_format = request.GET.get(param)
    return export_format if export_format in EXPORT_FORMATS else None


def export_response(table, *, export_format: str, name: str):
    """The download of `table` (every filtered row, not just the page), named
    `<name>-<local time>.<format>`."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return TableExport(export_format, table).response(filename=f"{name}-{stamp}.{export_format}")
