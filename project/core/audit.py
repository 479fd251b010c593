"""The audit log of staff actions, after pretix's `log_action`.

`audit_log` writes one `AuditEntry` in the caller's transaction, so the entry exists exactly
when the change does. Services call it for what staff do (status changes, refunds, stock
counts, check-ins, hand-offs); the admin records its own changes and views of customer data.
`audit_trail` is the selector the admin history and the staff pages read.

The entry names its object by type and id (an order by its number), never by a string that
could be a person's e-mail, and `data` is scrubbed of anything that looks like a secret.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from .models import AuditEntry

# Keys never kept in `data`, at any depth.
SECRET_KEYS = ("password", "secret", "token", "key", "hash", "raw", "session", "otp")


def audit_scrub(data):
    """`data` without secret-looking keys, as JSON-safe values."""
    if isinstance(data, dict):
        return {
            str(key): audit_scrub(value)
            for key, value in data.items()
            if not any(word in str(key).lower() for word in SECRET_KEYS)
        }
    if isinstance(data, list | tuple):
        return [audit_scrub(value) for value in data]
    if data is None or isinstance(data, bool | int | float | str):
        return data
    return str(data)


def audit_describe(obj) -> str:
    number = getattr(obj, "number", None)
    if number:
        return str(number)[:200]
    return f"{obj._meta.verbose_name} #{obj.pk}"[:200]


def audit_can_read(user) -> bool:
    """Superusers and managers (who hold `core.view_auditentry`) read the log."""
    return bool(user.is_active and user.has_perm("core.view_auditentry"))


def _record(
    *, actor, action, content_type, object_id="", object_repr="", organization=None, data=None
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action[:64],
        content_type=content_type,
        object_id=str(object_id)[:64],
        object_repr=object_repr[:200],
        organization=organization,
        data=audit_scrub(data or {}),
    )


def audit_log(*, actor, action: str, obj, data: dict | None = None, organization=None):
    """Record that `actor` (None for the system) did `action` to `obj`. Call it inside the
    transaction of the change."""
    if organization is None:
        organization = getattr(obj, "organization", None)
    if organization is None and obj._meta.label_lower == "organizations.organization":
        organization = obj
    return _record(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        object_repr=audit_describe(obj),
        organization=organization,
        data=data,
    )


def audit_admin_view(*, actor, action: str, model, object_id: str = "", query: str = ""):
    """Someone opened an admin list or record of customer data."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    obj = model._default_manager.filter(pk=object_id).first() if object_id else None
    return _record(
        actor=actor,
        action=action,
        content_type=content_type,
        object_id=object_id,
        object_repr=audit_describe(obj) if obj else str(model._meta.verbose_name_plural),
        # Whether a search was made, not what for: the term is often a person's e-mail.
        data={"searched": True} if query else None,
    )


def audit_admin_log_entry(sender, instance, created, **kwargs):
    """post_save of the admin's LogEntry: every add, change and delete made in the admin,
    in the admin's own transaction. The change message names fields, never values."""
    if not created or instance.content_type is None:
        return
    model = instance.content_type.model_class()
    obj = None
    if model is not None and instance.object_id:
        obj = model._default_manager.filter(pk=instance.object_id).first()
    action = {1: "admin.add", 2: "admin.change", 3: "admin.delete"}.get(
        instance.action_flag, "admin.other"
    )
    _record(
        actor=instance.user,
        action=action,
        content_type=instance.content_type,
        object_id=instance.object_id or "",
        object_repr=audit_describe(obj)
        if obj
        else f"{instance.content_type.name} #{instance.object_id}",
        organization=getattr(obj, "organization", None) if obj else None,
        data={"change": instance.get_change_message()} if action == "admin.change" else None,
    )


def audit_trail(*, obj) -> QuerySet[AuditEntry]:
    """The entries about `obj`, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
    ).select_related("actor", "organization")
