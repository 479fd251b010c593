"""Admin for the shop's payments models: payment attempts, refunds, processed callbacks.
All read-only: money moves through the payment and refund services."""

from django.contrib import admin

from shop.admin.orders import ReadOnlyAdminMixin
from shop.models import Payment, ProcessedCallback, Refund


class RefundInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Refund
    fields = ("created", "amount", "status", "reference", "reason", "note", "actor")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Payments are written by the payment services (gateway callbacks) only."""

    list_display = (
        "reference",
        "order",
        "provider",
        "amount",
        "currency",
        "status",
        "provider_transaction",
        "created",
        "confirmed_at",
    )
    list_filter = ("status", "provider", "currency")
    search_fields = ("reference", "provider_transaction", "order__number", "order__email")
    list_select_related = ("order",)
    date_hierarchy = "created"
    readonly_fields = (
        "order",
        "provider",
        "reference",
        "amount",
        "currency",
        "status",
        "provider_transaction",
        "raw",
        "created",
        "confirmed_at",
    )
    inlines = [RefundInline]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Refunds are made with the order's "Refund" action or the staff order page."""

    list_display = ("order", "amount", "status", "payment", "reference", "actor", "created")
    list_filter = ("status",)
    search_fields = ("order__number", "reference", "payment__reference", "reason")
    list_select_related = ("order", "payment", "actor")
    date_hierarchy = "created"
    readonly_fields = (
        "order",
        "payment",
        "amount",
        "status",
        "reason",
        "lines",
        "reference",
        "note",
        "actor",
        "created",
    )


@admin.register(ProcessedCallback)
class ProcessedCallbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("provider", "key", "result", "payment", "created")
    list_filter = ("provider", "result")
    search_fields = ("key", "payment__reference")
    list_select_related = ("payment",)
    readonly_fields = ("provider", "key", "payment", "result", "payload", "created")
