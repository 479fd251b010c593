"""`{{ amount|money:currency }}`: prices the way readers write them, from CLDR (Babel's
`format_currency`). `money_format` is the same for Python code (e-mails, PDFs, CSV).

The CLDR locale comes from the active language and the site's country
(`project.core.language.babel_locale`): vi -> "1.250.000 ₫", ru on a KZ site -> "12 500 ₸",
en_US -> "$12.50". We round, half up (Babel would round half to even): VND has no minor
unit, and whole tenge show no decimals (Kaspi takes whole tenge).

`money_format(amount, currency, locale="ru_KZ")` formats for a given CLDR locale (a PDF or
CSV made for one country); without it the active language decides."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from django import template

from project.core.language import babel_locale

register = template.Library()

# Minor units we print, where they differ from CLDR's (CLDR: VND 0, KZT 2, USD 2).
MINOR_UNITS: dict[str, int] = {}
# Currencies whose whole amounts show no decimals ("12 500 ₸", but "12 500,50 ₸").
WHOLE_WITHOUT_DECIMALS = {"KZT"}
PLAIN_SPACES = str.maketrans({"\xa0": " ", "\u202f": " "})


def _minor_units(currency: str) -> int:
    from babel.numbers import get_currency_precision

    return MINOR_UNITS.get(currency, get_currency_precision(currency))


@lru_cache(maxsize=64)
def _pattern(locale: str, digits: int) -> str:
    """The locale's currency pattern with exactly `digits` decimals."""
    from babel import Locale

    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    fraction = "." + "0" * digits if digits else ""
    return re.sub(r"([#,]*0)(?:\.[0#]+)?", lambda match: match.group(1) + fraction, pattern)


def money_format(amount, currency: str = "VND", *, locale: str | None = None) -> str:
    from babel.numbers import format_currency

    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    if not value.is_finite():
        return str(amount)
    currency = (currency or "VND").upper()
    digits = _minor_units(currency)
    value = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if currency in WHOLE_WITHOUT_DECIMALS and value == value.to_integral_value():
        digits = 0
    locale = locale or babel_locale()
    text = format_currency(
        value, currency, format=_pattern(locale, digits), locale=locale, currency_digits=False
    )
    # CLDR's no-break spaces ("12\xa0500\xa0₸") as plain spaces, as the site has always
    # written them: pages, e-mails and CSV read the same, and tests compare plain text.
    return text.translate(PLAIN_SPACES)


@register.filter(name="money")
def money(amount, currency="VND"):
    return money_format(amount, currency)
