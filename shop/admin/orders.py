"""Admin for carts, orders and their status history. Money, lines and statuses are
read-only here: changes go through the shop services (the order actions)."""

from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from shop.models import Cart, CartLine, Order, OrderLine, OrderStatusChange


class CartLineInline(admin.TabularInline):
    model = CartLine
    extra = 0
    fields = ["kind", "ref", "quantity", "held_quantity", "hold_expires_at", "data"]


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "session_key", "status", "created", "updated"]
    list_filter = ["status"]
    search_fields = ["user__email", "session_key"]
    raw_id_fields = ["user"]
    inlines = [CartLineInline]


class ReadOnlyAdminMixin:
    """Rows written by the shop services only: the admin shows them and never edits,
    adds or deletes them (that would bypass the ledger and the status history)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ["title", "kind", "ref", "unit_price", "quantity", "refunded_quantity", "line_total"]
    readonly_fields = fields


class OrderStatusChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OrderStatusChange
    extra = 0
    # Few, narrow columns: the order page fits a 1280 px screen.
    fields = ["created", "change", "actor", "notes"]
    readonly_fields = fields

    @admin.display(description="Change")
    def change(self, obj):
        return f"{obj.from_label} → {obj.to_label}" if obj.from_status else obj.to_label

    @admin.display(description="Notes")
    def notes(self, obj):
        parts = [f"To customer: {obj.note}" if obj.note else ""]
        parts.append(f"Internal: {obj.internal_note}" if obj.internal_note else "")
        return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts if part))


def _each(modeladmin, request, queryset, act, done: str):
    """Run `act(order)` through the shop services for each chosen order; report each."""
    from shop.services.orders import InvalidTransition
    from shop.services.refunds import RefundError

    changed = 0
    for order in queryset.order_by("pk"):
        try:
            act(order)
        except (InvalidTransition, RefundError) as exc:
            modeladmin.message_user(request, f"{order.number}: {exc}", messages.ERROR)
        else:
            changed += 1
    if changed:
        modeladmin.message_user(request, f"{changed} order(s) {done}.", messages.SUCCESS)


@admin.action(description="Mark shipped", permissions=["change"])
def mark_shipped(modeladmin, request, queryset):
    from shop.services.orders import order_status_set

    _each(
        modeladmin,
        request,
        queryset,
        lambda order: order_status_set(order=order, to_status="shipped", actor=request.user),
        "marked shipped",
    )


@admin.action(description="Mark completed", permissions=["change"])
def mark_completed(modeladmin, request, queryset):
    from shop.services.orders import order_status_set

    _each(
        modeladmin,
        request,
        queryset,
        lambda order: order_status_set(order=order, to_status="completed", actor=request.user),
        "marked completed",
    )


@admin.action(description="Cancel unpaid orders", permissions=["change"])
def cancel_unpaid(modeladmin, request, queryset):
    from shop.services.orders import order_cancel

    _each(
        modeladmin,
        request,
        queryset,
        lambda order: order_cancel(order=order, actor=request.user, note="Canceled by staff"),
        "canceled",
    )


@admin.action(description="Refund in full (money and goods back)", permissions=["change"])
def refund_in_full(modeladmin, request, queryset):
    from shop.services.refunds import order_refund

    _each(
        modeladmin,
        request,
        queryset,
        lambda order: order_refund(
            order=order, actor=request.user, reason="Refunded in full by staff"
        ),
        "refunded",
    )


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders change only through the shop services: the actions below, or the staff order
    page. Only the staff flag (`needs_attention`) is edited here."""

    list_display = ["number", "user", "status", "total", "currency", "created"]
    list_filter = ["status", "currency", "delivery_type", "created"]
    search_fields = ["number", "email", "user__email"]
    date_hierarchy = "created"
    list_select_related = ["user"]
    actions = [mark_shipped, mark_completed, cancel_unpaid, refund_in_full]
    fieldsets = [
        (None, {"fields": ["number", "user", "email", "status", "created", "paid_at"]}),
        (
            "Money",
            {
                "fields": [
                    "currency",
                    "subtotal",
                    "shipping_total",
                    "total",
                    "refunded_total",
                    "payment_method",
                ]
            },
        ),
        ("Delivery", {"fields": ["delivery_type", "shipping_address_text"]}),
        (
            "Internals",
            {
                "fields": ["needs_attention", "expires_at", "reserved", "idempotency_key"],
                "classes": ["collapse"],
            },
        ),
    ]
    readonly_fields = [
        "number",
        "user",
        "email",
        "status",
        "created",
        "paid_at",
        "currency",
        "subtotal",
        "shipping_total",
        "total",
        "refunded_total",
        "payment_method",
        "delivery_type",
        "shipping_address_text",
        "expires_at",
        "reserved",
        "idempotency_key",
    ]
    inlines = [OrderLineInline, OrderStatusChangeInline]

    def has_add_permission(self, request):
        return False  # orders are placed through checkout

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Shipping address")
    def shipping_address_text(self, obj):
        from project.accounts.addresses import address_line

        return address_line(obj.shipping_address, phone=True) or "—"


@admin.register(OrderStatusChange)
class OrderStatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["order", "from_status", "to_status", "actor", "note", "created"]
    list_filter = ["to_status"]
    search_fields = ["order__number", "note"]
    list_select_related = ["order", "actor"]
    raw_id_fields = ["order", "actor"]


@admin.register(CartLine)
class CartLineAdmin(admin.ModelAdmin):
    list_display = ["pk", "cart", "kind", "ref", "quantity", "held_quantity", "hold_expires_at"]
    list_filter = ["kind"]
    search_fields = ["ref", "cart__user__email"]
    raw_id_fields = ["cart"]


@admin.register(OrderLine)
class OrderLineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "order",
        "kind",
        "title",
        "quantity",
        "refunded_quantity",
        "line_total",
        "organization",
    ]
    list_filter = ["kind", "is_physical"]
    search_fields = ["order__number", "title", "ref"]
    raw_id_fields = ["order", "organization"]
    list_select_related = ["order", "organization"]
