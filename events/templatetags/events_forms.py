"""`{% for field in form|fields_named:"a,b,c" %}`: a form's bound fields, in that order, so
a template can lay out groups of fields without repeating the markup. The names are field
names, not text: commas keep them apart (a space would read like words to the template scan)."""

import re

from django import template

register = template.Library()


@register.filter
def fields_named(form, names: str):
    return [form[name] for name in re.split(r"[\s,]+", names) if name in form.fields]
