from django import forms
from django.contrib import admin

from project.core.images import IMAGE_ACCEPT, image_is_upload, image_reencode

from .models import Attendee, Event, EventCancelRun, EventLocation, EventOnlineInfo, TicketType


class EventLocationInline(admin.StackedInline):
    model = EventLocation
    extra = 0


class EventOnlineInfoInline(admin.StackedInline):
    model = EventOnlineInfo
    extra = 0


class TicketTypeInline(admin.TabularInline):
    model = TicketType
    extra = 0
    fields = ("name", "price", "currency", "quantity", "sold_or_held", "sales_start", "sales_end")
    readonly_fields = ("sold_or_held",)


class EventAdminForm(forms.ModelForm):
    """The admin builds the Meta (model and fields) from EventAdmin."""

    # A plain file field: the one image module opens the upload, nobody before it.
    cover_image = forms.FileField(
        required=False, widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT})
    )

    def clean_cover_image(self):
        # The same rules and re-encoding as the organizer's form (the services).
        image = self.cleaned_data.get("cover_image")
        if image_is_upload(image):
            return image_reencode(image, name=self.instance.slug or "cover")
        return image


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventAdminForm
    list_display = (
        "title",
        "organization",
        "sport_type",
        "format",
        "status",
        "starts_at",
        "is_free",
    )
    list_filter = ("status", "format", "sport_type", "is_free", "organization")
    search_fields = ("title", "slug", "organization__name", "location__city")
    date_hierarchy = "starts_at"
    list_select_related = ("organization",)
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("published_at", "canceled_at", "created", "updated")
    inlines = [EventLocationInline, EventOnlineInfoInline, TicketTypeInline]


@admin.register(EventLocation)
class EventLocationAdmin(admin.ModelAdmin):
    list_display = ("event", "city", "country", "address")
    list_filter = ("country", "city")
    search_fields = ("event__title", "city", "address")
    list_select_related = ("event",)


@admin.register(EventOnlineInfo)
class EventOnlineInfoAdmin(admin.ModelAdmin):
    list_display = ("event", "stream_url")
    search_fields = ("event__title", "stream_url")
    list_select_related = ("event",)


@admin.register(TicketType)
class TicketTypeAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "event",
        "price",
        "currency",
        "quantity",
        "sold_or_held",
        "available_now",
        "sales_start",
        "sales_end",
    )
    list_filter = ("currency", "event__status", "event__organization")
    search_fields = ("name", "event__title")
    list_select_related = ("event",)
    readonly_fields = ("sold_or_held",)

    @admin.display(description="Available")
    def available_now(self, obj):
        return obj.available


@admin.register(EventCancelRun)
class EventCancelRunAdmin(admin.ModelAdmin):
    list_display = ("event", "status", "orders_done", "orders_total", "created", "finished_at")
    list_filter = ("status",)
    search_fields = ("event__title", "reason")
    list_select_related = ("event",)
    raw_id_fields = ("event", "actor")
    readonly_fields = [field.name for field in EventCancelRun._meta.fields]


@admin.register(Attendee)
class AttendeeAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "event_title",
        "ticket_type_name",
        "status",
        "buyer",
        "checked_in_at",
        "created",
    )
    list_filter = ("status", "ticket_type__event__organization", "ticket_type__event")
    search_fields = (
        "name",
        "code",
        "buyer__email",
        "ticket_type__event__title",
        "order_line__order__number",
    )
    list_select_related = ("ticket_type__event", "buyer")
    raw_id_fields = ("ticket_type", "order_line", "buyer", "checked_in_by")
    readonly_fields = ("code", "created", "updated")
    date_hierarchy = "created"

    @admin.display(description="Event", ordering="ticket_type__event__title")
    def event_title(self, obj):
        return obj.ticket_type.event.title

    @admin.display(description="Ticket type", ordering="ticket_type__name")
    def ticket_type_name(self, obj):
        return obj.ticket_type.name
