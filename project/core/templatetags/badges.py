"""`{% status_badge status label %}` and `{% stock_badge available low=... %}`
(project/core/badges.py)."""

from django import template

from project.core import badges

register = template.Library()


@register.simple_tag
def status_badge(status, label, testid=""):
    return badges.status_badge(status, label, testid=testid)


@register.simple_tag
def stock_badge(available, low=False, kind="product", low_at=None):
    """`low` says the level is low; or `low_at=10`: low from 10 left down."""
    if low_at is not None:
        low = available <= low_at
    return badges.stock_badge(available, low=low, kind=kind)
