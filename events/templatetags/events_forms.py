"""`{% for field in form|fields_named:"a b c" %}`: a form's bound fields, in that order, so
a template can lay out groups of fields without repeating the markup."""

from django import template

register = template.Library()


@register.filter
def fields_named(form, names: str):
    return [form[name] for name in names.split() if name in form.fields]
