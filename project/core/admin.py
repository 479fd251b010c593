from django.contrib import admin

from .models import DevEmail, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "attempts", "created", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["kind", "last_error"]
    readonly_fields = ["created", "sent_at", "attempts", "last_error"]
    date_hierarchy = "created"
    actions = ["requeue"]

    @admin.action(description="Mark pending again (redelivered by the periodic task)")
    def requeue(self, request, queryset):
        updated = queryset.update(status=OutboxMessage.Status.PENDING)
        self.message_user(request, f"{updated} message(s) will be redelivered.")


@admin.register(DevEmail)
class DevEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "created"]
    search_fields = ["subject", "to"]
    readonly_fields = [f.name for f in DevEmail._meta.fields]
