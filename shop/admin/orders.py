"""Admin for carts, orders and their status history."""

from django.contrib import admin

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


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = [
        "kind",
        "ref",
        "title",
        "unit_price",
        "quantity",
        "refunded_quantity",
        "line_total",
        "is_physical",
        "organization",
    ]
    readonly_fields = ["line_total"]
    raw_id_fields = ["organization"]


class OrderStatusChangeInline(admin.TabularInline):
    model = OrderStatusChange
    extra = 0
    can_delete = False
    fields = ["created", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        # History is written by the order services only.
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "user", "status", "total", "currency", "created"]
    list_filter = ["status", "currency", "delivery_type", "created"]
    search_fields = ["number", "email", "user__email"]
    date_hierarchy = "created"
    raw_id_fields = ["user"]
    readonly_fields = [
        "number",
        "status",
        "idempotency_key",
        "created",
        "paid_at",
        "refunded_total",
    ]
    list_select_related = ["user"]
    inlines = [OrderLineInline, OrderStatusChangeInline]


@admin.register(OrderStatusChange)
class OrderStatusChangeAdmin(admin.ModelAdmin):
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
class OrderLineAdmin(admin.ModelAdmin):
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
