"""`{% load addresses %}{% for line in address|address_lines %}` (or `street_lines`, without
recipient and phone) and `{{ number|phone }}`:
templates write addresses and phone numbers through project/accounts/addresses.py."""

from django import template

from project.accounts.addresses import address_lines as _address_lines
from project.accounts.addresses import phone_display

register = template.Library()


@register.filter
def address_lines(address) -> list[str]:
    return _address_lines(address)


@register.filter
def street_lines(address) -> list[str]:
    """The address without its recipient and phone."""
    return _address_lines(address, phone=False, recipient=False)


@register.filter
def phone(value) -> str:
    return phone_display(value)
