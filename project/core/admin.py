"""Admin for the outbox and the development mailbox.

Outbox rows are for superusers only, and never show a payload: e-mail payloads are sealed
and carry reset and confirmation links. The development mailbox exists only where the
development outbox is enabled (never under production settings)."""

from django.conf import settings
from django.contrib import admin

from .models import AuditEntry, DevEmail, OutboxMessage


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Visible to superusers only, whatever permissions a role's group holds."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(OutboxMessage)
class OutboxMessageAdmin(SuperuserOnlyAdmin):
    list_display = ["id", "kind", "status", "attempts", "created", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["kind", "last_error"]
    fields = ["kind", "status", "attempts", "created", "sent_at", "last_error"]
    readonly_fields = fields
    date_hierarchy = "created"
    actions = ["requeue"]

    @admin.action(description="Retry failed messages (redelivered by the periodic task)")
    def requeue(self, request, queryset):
        # Sent rows have no payload left to send, so only failed ones go back.
        updated = queryset.filter(status=OutboxMessage.Status.FAILED).update(
            status=OutboxMessage.Status.PENDING
        )
        self.message_user(request, f"{updated} message(s) will be redelivered.")


class DevEmailAdmin(SuperuserOnlyAdmin):
    list_display = ["subject", "to", "created"]
    search_fields = ["subject", "to"]
    readonly_fields = [f.name for f in DevEmail._meta.fields]


if settings.DEV_OUTBOX_ENABLED:
    admin.site.register(DevEmail, DevEmailAdmin)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Append-only: read by superusers and managers (`core.view_auditentry`)."""

    list_display = ["created", "actor_name", "action", "object_type", "object_repr", "organization"]
    list_filter = ["action", ("content_type", admin.RelatedOnlyFieldListFilter), "organization"]
    search_fields = ["action", "object_repr", "object_id"]
    list_select_related = ["actor", "content_type", "organization"]
    date_hierarchy = "created"
    fields = [
        "created",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "organization",
        "data",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="who", ordering="actor__name")
    def actor_name(self, entry):
        return entry.actor.display_name if entry.actor else "system"

    @admin.display(description="object type", ordering="content_type__model")
    def object_type(self, entry):
        return entry.content_type.name if entry.content_type else "—"
