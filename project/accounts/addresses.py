"""The one way an address and a phone number are written out: checkout, the customer's and
staff's order pages, invoices, e-mails, the profile and the admin all show the same lines.

An address is a saved `Address` or the dict an order keeps (`Order.shipping_address`, the
keys of ADDRESS_FIELDS). Countries are ISO codes shown by their name; phone numbers are
stored in E.164 and shown in the international format.
"""

from __future__ import annotations

from collections.abc import Mapping

import phonenumbers
from django.conf import settings
from django_countries import countries

ADDRESS_FIELDS = ("recipient", "phone", "line1", "line2", "city", "postcode", "country")
ADDRESS_REQUIRED = ("recipient", "line1", "city", "country")


def _phone_format(value, number_format) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_valid_number(number):
        return text
    return phonenumbers.format_number(number, number_format)


def phone_display(value) -> str:
    """`+84901234567` as "+84 90 123 45 67"; what cannot be read as a number stays as typed."""
    return _phone_format(value, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_normalize(value) -> str:
    """ "090 123 4567" as "+84901234567" (E.164, how phones are stored); what cannot be
    read as a number stays as typed."""
    return _phone_format(value, phonenumbers.PhoneNumberFormat.E164)


def country_display(code) -> str:
    """The country's name for its ISO code; an unknown code stays as it is."""
    code = str(code or "").strip()
    return str(countries.name(code.upper()) or code) if code else ""


def address_values(address) -> dict[str, str]:
    """The ADDRESS_FIELDS of a saved address or an order's address dict, as plain text."""
    if address is None:
        return {}
    if isinstance(address, Mapping):
        get = address.get
    else:

        def get(name, default=""):
            return getattr(address, name, default)

    values = {name: str(get(name, "") or "").strip() for name in ADDRESS_FIELDS}
    values["phone"] = phone_normalize(values["phone"])
    return values


def address_lines(address, *, phone: bool = True, recipient: bool = True) -> list[str]:
    """The address as the lines of an envelope: recipient, phone, street, postcode and city,
    country. Empty parts are left out; `phone=False` and `recipient=False` leave those out
    too (a page that shows them in fields of their own)."""
    values = address_values(address)
    if not any(values.values()):
        return []
    city = " ".join(part for part in (values["postcode"], values["city"]) if part)
    lines = [
        values["recipient"] if recipient else "",
        phone_display(values["phone"]) if phone else "",
        values["line1"],
        values["line2"],
        city,
        country_display(values["country"]),
    ]
    return [line for line in lines if line]


def address_line(address, *, phone: bool = False) -> str:
    """The address on one line, for a choice label or an admin column."""
    return ", ".join(address_lines(address, phone=phone))
