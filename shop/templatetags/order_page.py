"""`{% order_sections as sections %}`: the templates other apps registered for the order
page (see shop/order_page.py)."""

from django import template

from shop.order_page import order_sections as _order_sections

register = template.Library()


@register.simple_tag
def order_sections() -> list[str]:
    return _order_sections()
