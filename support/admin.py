from django.contrib import admin

from .models import HandOff, Membership, Message, Room


class MessageInline(admin.TabularInline):
    model = Message
    fields = ("created", "kind", "author", "text")
    readonly_fields = ("created", "kind", "author", "text")
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-created", "-pk")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_add_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "mode", "created", "ended")
    readonly_fields = ("created",)
    raw_id_fields = ("user",)
    extra = 0


class HandOffInline(admin.TabularInline):
    model = HandOff
    fields = ("created", "from_staff", "to_staff", "by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = (
        "slug",
        "subject",
        "customer",
        "assigned_staff",
        "order",
        "status",
        "message_count",
        "last_message_at",
        "created",
    )
    list_filter = ("status", ("assigned_staff", admin.RelatedOnlyFieldListFilter))
    search_fields = ("slug", "subject", "customer__email", "customer__name", "order__number")
    list_select_related = ("customer", "assigned_staff", "order")
    raw_id_fields = ("customer", "assigned_staff", "order")
    readonly_fields = ("created", "updated", "last_message_at", "missed_reply_emailed_at")
    date_hierarchy = "created"
    inlines = [MembershipInline, HandOffInline, MessageInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_message_count=Count("messages"))

    @admin.display(description="messages", ordering="_message_count")
    def message_count(self, room):
        return room._message_count


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created", "room", "kind", "author", "short_text")
    list_filter = ("kind",)
    search_fields = ("text", "room__slug", "author__email")
    list_select_related = ("room", "author")
    raw_id_fields = ("room", "author")
    date_hierarchy = "created"

    @admin.display(description="text")
    def short_text(self, message):
        return message.text[:80]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("room", "user", "mode", "created", "ended")
    list_filter = ("mode", ("ended", admin.EmptyFieldListFilter))
    search_fields = ("room__slug", "user__email")
    list_select_related = ("room", "user")
    raw_id_fields = ("room", "user")


@admin.register(HandOff)
class HandOffAdmin(admin.ModelAdmin):
    list_display = ("created", "room", "from_staff", "to_staff", "by")
    search_fields = ("room__slug", "from_staff__email", "to_staff__email", "by__email")
    list_select_related = ("room", "from_staff", "to_staff", "by")
    raw_id_fields = ("room", "from_staff", "to_staff", "by")
    date_hierarchy = "created"
