"""`{{ amount|money:currency }}`: prices the way shoppers read them in each currency.

VND "1.250.000 ₫" (no decimals), KZT "12 500 ₸", USD "$12.50". `money_format` is the same
for Python code (e-mails, PDFs)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


def _group(integer: int, separator: str) -> str:
    return f"{integer:,}".replace(",", separator)


def money_format(amount, currency: str = "VND") -> str:
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    sign = "-" if value < 0 else ""
    value = abs(value)
    currency = (currency or "VND").upper()
    if currency == "VND":
        whole = int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        return f"{sign}{_group(whole, '.')} ₫"
    cents = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, fraction = divmod(int(cents * 100), 100)
    if currency == "USD":
        return f"{sign}${_group(whole, ',')}.{fraction:02d}"
    if currency == "KZT":
        text = _group(whole, " ")
        if fraction:
            text += f",{fraction:02d}"
        return f"{sign}{text} ₸"
    return f"{sign}{_group(whole, ',')}.{fraction:02d} {currency}"


@register.filter(name="money")
def money(amount, currency="VND"):
    return money_format(amount, currency)
