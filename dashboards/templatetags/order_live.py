"""`{% order_live order as live %}`: the live order panel's content for its first render,
the same `order_live` the socket's fragments are rendered from."""

from django import template

from dashboards.live import OrderLive
from dashboards.live import order_live as _order_live

register = template.Library()


@register.simple_tag
def order_live(order) -> OrderLive:
    return _order_live(order)
