"""The deployment's one currency (`SHOP_CURRENCY`, VND by default).

A deployment sells in one currency: product and ticket-type forms offer only it, carts and
the price filter use it. The `currency` fields stay on every price row so that sales
channels per currency can come later.

`currency_convert` moves a price between the supported currencies at fixed, rounded rates.
It is used once, when rows priced in another currency are migrated into the deployment's
(and to seed the demo in it); it is never used to charge anyone.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

# Đồng per unit, as of late 2026, rounded: good enough to move demo or legacy prices once.
VND_PER_UNIT = {"VND": Decimal("1"), "USD": Decimal("25400"), "KZT": Decimal("50")}
# The step a shopper expects a price in each currency to be rounded to.
PRICE_STEP = {"VND": Decimal("1000"), "USD": Decimal("0.01"), "KZT": Decimal("10")}


def shop_currency() -> str:
    return settings.SHOP_CURRENCY


def currency_choices() -> list[tuple[str, str]]:
    """What price forms offer: the deployment's currency only."""
    from shop.models import Currency

    code = shop_currency()
    label = Currency(code).label if code in Currency.values else code
    return [(code, label)]


def currency_convert(amount, from_currency: str, to_currency: str) -> Decimal:
    """`amount` in `from_currency` as a price in `to_currency`, rounded to that currency's
    step (never below one step for a non-zero price). Unknown codes are not converted."""
    amount = Decimal(amount)
    if from_currency == to_currency or not amount:
        return amount
    if from_currency not in VND_PER_UNIT or to_currency not in VND_PER_UNIT:
        return amount
    value = amount * VND_PER_UNIT[from_currency] / VND_PER_UNIT[to_currency]
    step = PRICE_STEP[to_currency]
    rounded = (value / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step
    return max(rounded, step).quantize(Decimal("0.01"))
