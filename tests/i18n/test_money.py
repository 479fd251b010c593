"""One money format from CLDR (Babel), with the locale from the language and the site's
country, rounded half up by us; and no floatformat on money anywhere."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from project.core.language import babel_locale
from shop.templatetags.money import money_format

ROOT = Path(settings.BASE_DIR)


def _render(amount, currency) -> str:
    template = Template("{% load money %}{{ amount|money:currency }}")
    return template.render(Context({"amount": amount, "currency": currency}))


def test_dong_in_vietnamese():
    with translation.override("vi"):
        assert _render(Decimal("1250000"), "VND") == "1.250.000 ₫"


def test_tenge_in_russian_on_a_kazakh_site(settings):
    settings.SHOP_CURRENCY = "KZT"
    settings.SITE_COUNTRY = "KZ"
    with translation.override("ru"):
        assert babel_locale() == "ru_KZ"
        assert _render(Decimal("12500"), "KZT") == "12 500 ₸"
        assert _render(Decimal("12500.50"), "KZT") == "12 500,50 ₸"


def test_russian_in_russia_would_print_the_code_not_the_sign():
    """Why the country matters: CLDR's ru_RU writes tenge as "KZT"."""
    assert money_format(Decimal("12500"), "KZT", locale="ru_RU") == "12 500 KZT"


def test_rounding_is_half_up_not_half_even():
    with translation.override("vi"):
        assert money_format(Decimal("1234567.5"), "VND") == "1.234.568 ₫"
        assert money_format(Decimal("1234566.5"), "VND") == "1.234.567 ₫"  # Babel: 1.234.566
    assert money_format(Decimal("0.125"), "USD", locale="en_US") == "$0.13"


def test_english_on_a_vietnamese_site_reads_prices_the_vietnamese_way(settings):
    settings.SITE_COUNTRY = "VN"
    with translation.override("en"):
        assert babel_locale() == "vi_VN"
        assert money_format(Decimal("1250000"), "VND") == "1.250.000 ₫"
    with translation.override("ru"):
        assert money_format(Decimal("1250000"), "VND") == "1.250.000 ₫"


def test_dollars_on_a_us_site(settings):
    settings.SITE_COUNTRY = "US"
    with translation.override("en"):
        assert money_format(Decimal("-1234.5"), "USD") == "-$1,234.50"


@pytest.mark.parametrize("value", [None, "", "n/a"])
def test_no_amount_prints_nothing_or_itself(value):
    assert money_format(value, "VND") == (value or "")


MONEY_WORDS = r"(price|total|amount|subtotal|cost|refund|paid|balance|fee|revenue|money)"


def _sources():
    for pattern in ("**/*.html", "**/*.txt", "**/*.py"):
        for path in ROOT.glob(pattern):
            parts = set(path.relative_to(ROOT).parts)
            if parts & {".venv", "node_modules", ".tools", "staticfiles", "test-artifacts"}:
                continue
            if path.name == Path(__file__).name:
                continue
            yield path


def test_no_floatformat_on_money():
    """Money goes through `money`/`money_format`; floatformat knows no currency."""
    template_use = re.compile(MONEY_WORDS + r"[\w.]*\|floatformat", re.I)
    python_use = re.compile(r"floatformat\([^)]*" + MONEY_WORDS, re.I)
    found = []
    for path in _sources():
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if template_use.search(line) or python_use.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "use {{ x|money:currency }} / money_format:\n" + "\n".join(found)
