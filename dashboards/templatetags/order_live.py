"""Template filters for the live order panel: its first render and every refresh show the
same progress the socket's snapshot reports."""

from django import template

from dashboards.live import STATUS_PROGRESS

register = template.Library()


@register.filter
def order_progress(order) -> int:
    return STATUS_PROGRESS.get(order.status, 0)
