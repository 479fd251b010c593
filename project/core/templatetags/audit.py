"""`{% audit_trail obj %}`: the audit log panel of an object, for those who may read it.

Any app's page shows the panel with this one tag; it renders
`components/audit_trail.html` and nothing for people who may not read the log."""

from django import template

from project.core.audit import audit_can_read
from project.core.audit import audit_trail as audit_trail_select

register = template.Library()


@register.inclusion_tag("components/audit_trail.html", takes_context=True)
def audit_trail(context, obj, limit=50):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not audit_can_read(user):
        return {"visible": False}
    return {"visible": True, "entries": list(audit_trail_select(obj=obj)[:limit])}
