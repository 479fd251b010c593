"""Read shapes of the API. Money is a decimal string with its ISO currency; times are
ISO 8601 with their offset."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from events.models import Attendee, Event, TicketType
from shop.forms_catalog import MAX_UNITS
from shop.models import (
    Category,
    Order,
    OrderLine,
    OrderStatusChange,
    Product,
    Refund,
    StockMovement,
)
from shop.services.orders import order_status_targets


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = ["slug", "name", "parent"]


class ProductSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    available = serializers.IntegerField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "category",
            "price",
            "currency",
            "available",
            "is_physical",
            "url",
        ]


class TicketTypeSerializer(serializers.ModelSerializer):
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = TicketType
        fields = [
            "id",
            "name",
            "description",
            "price",
            "currency",
            "available",
            "sales_start",
            "sales_end",
            "max_per_order",
        ]


class EventSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.name", read_only=True)
    city = serializers.CharField(source="location.city", read_only=True, allow_null=True)
    tickets_left = serializers.IntegerField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "organization",
            "sport_type",
            "format",
            "status",
            "starts_at",
            "ends_at",
            "city",
            "tickets_left",
            "url",
        ]


class EventDetailSerializer(EventSerializer):
    ticket_types = TicketTypeSerializer(many=True, read_only=True)
    tickets_left = serializers.SerializerMethodField()

    def get_tickets_left(self, event) -> int:
        return sum(
            ticket_type.quantity - ticket_type.sold_or_held
            for ticket_type in event.ticket_types.all()
        )

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "description", "ticket_types"]


class OrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = [
            "id",
            "kind",
            "title",
            "unit_price",
            "quantity",
            "refunded_quantity",
            "line_total",
        ]


class OrderSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "status_label",
            "currency",
            "subtotal",
            "shipping_total",
            "total",
            "refunded_total",
            "delivery_type",
            "created",
            "expires_at",
        ]


class OrderDetailSerializer(OrderSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "lines"]


class TicketSerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="ticket_type.event.slug", read_only=True)
    event_title = serializers.CharField(source="ticket_type.event.title", read_only=True)
    starts_at = serializers.DateTimeField(source="ticket_type.event.starts_at", read_only=True)
    ticket_type = serializers.CharField(source="ticket_type.name", read_only=True)
    order = serializers.CharField(source="order_line.order.number", read_only=True)

    class Meta:
        model = Attendee
        fields = [
            "code",
            "name",
            "status",
            "event",
            "event_title",
            "starts_at",
            "ticket_type",
            "order",
        ]


class LineLiveSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="line.pk")
    title = serializers.CharField(source="line.title")
    stage = serializers.CharField(source="progress.stage")
    label = serializers.CharField(source="progress.label")
    percent = serializers.IntegerField(source="progress.percent", allow_null=True)
    assignee = serializers.CharField(source="progress.assignee", allow_blank=True)


class OrderLiveSerializer(serializers.Serializer):
    """The live panel's snapshot (`dashboards.live.order_live`): the same numbers."""

    number = serializers.CharField(source="order.number")
    status = serializers.ChoiceField(source="order.status", choices=Order.Status.choices)
    status_label = serializers.CharField(source="order.get_status_display")
    progress = serializers.IntegerField(source="percent")
    assignee = serializers.SerializerMethodField()
    assignees = serializers.ListField(child=serializers.CharField())
    lines = LineLiveSerializer(many=True)
    key = serializers.CharField(help_text="Changes whenever anything shown here changes.")

    def get_assignee(self, live) -> str:
        return ", ".join(live.assignees)


# --- organizer -------------------------------------------------------------------------------


class OrganizerEventSerializer(serializers.ModelSerializer):
    capacity = serializers.IntegerField(read_only=True)
    tickets_sold = serializers.IntegerField(read_only=True)
    checked_in = serializers.IntegerField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "slug",
            "title",
            "status",
            "starts_at",
            "ends_at",
            "capacity",
            "tickets_sold",
            "checked_in",
        ]


class AttendeeSerializer(serializers.ModelSerializer):
    ticket_type = serializers.CharField(source="ticket_type.name", read_only=True)
    buyer_email = serializers.EmailField(source="buyer.email", read_only=True, allow_null=True)
    order = serializers.CharField(source="order_line.order.number", read_only=True, allow_null=True)
    checked_in_by = serializers.EmailField(
        source="checked_in_by.email", read_only=True, allow_null=True
    )

    class Meta:
        model = Attendee
        fields = [
            "code",
            "name",
            "status",
            "ticket_type",
            "buyer_email",
            "order",
            "checked_in_at",
            "checked_in_by",
        ]


class CheckinSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64)


class CheckinResultSerializer(serializers.Serializer):
    """The check-in page's answer: `checked_in`, `already`, `other_event` or `invalid`."""

    outcome = serializers.ChoiceField(choices=["checked_in", "already", "other_event", "invalid"])
    ok = serializers.BooleanField()
    message = serializers.CharField()
    ticket = AttendeeSerializer(source="attendee")


class OrganizationOrderSerializer(OrderSerializer):
    """An order as its organization sees it: only the organization's lines."""

    email = serializers.EmailField(read_only=True)
    lines = OrderLineSerializer(source="organization_lines", many=True, read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = ["number", "status", "status_label", "currency", "email", "created", "lines"]


# --- staff -----------------------------------------------------------------------------------


class StaffProductSerializer(ProductSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta(ProductSerializer.Meta):
        fields = [
            *ProductSerializer.Meta.fields,
            "organization",
            "active",
            "stock",
            "reserved",
            "low_stock_threshold",
        ]


class StockMovementSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    actor = serializers.EmailField(source="actor.email", read_only=True, allow_null=True)
    order = serializers.CharField(source="order.number", read_only=True, allow_null=True)

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "product",
            "ledger",
            "kind",
            "quantity",
            "stock_after",
            "reserved_after",
            "reason",
            "actor",
            "order",
            "created",
        ]


class StockAdjustSerializer(serializers.Serializer):
    new_stock = serializers.IntegerField(min_value=0, max_value=MAX_UNITS)
    reason = serializers.CharField(max_length=255)


class StockAdjustResultSerializer(serializers.Serializer):
    product = StaffProductSerializer()
    movement = StockMovementSerializer(allow_null=True)


class StaffOrderSerializer(OrderSerializer):
    email = serializers.EmailField(read_only=True)
    item_count = serializers.IntegerField(read_only=True, default=0)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "email", "item_count", "needs_attention"]


class StatusChangeSerializer(serializers.ModelSerializer):
    actor = serializers.EmailField(source="actor.email", read_only=True, allow_null=True)

    class Meta:
        model = OrderStatusChange
        fields = ["from_status", "to_status", "note", "internal_note", "actor", "created"]


class RefundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = ["id", "amount", "status", "reason", "lines", "reference", "note", "created"]


class StaffOrderDetailSerializer(StaffOrderSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)
    history = StatusChangeSerializer(many=True, read_only=True)
    refunds = RefundSerializer(many=True, read_only=True)

    class Meta(StaffOrderSerializer.Meta):
        fields = [*StaffOrderSerializer.Meta.fields, "lines", "history", "refunds"]


class OrderStatusSetSerializer(serializers.Serializer):
    """`to_status` among the order's hand-made targets (`order_status_targets`)."""

    to_status = serializers.ChoiceField(choices=Order.Status.choices)
    note = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    internal_note = serializers.CharField(
        max_length=255, required=False, default="", allow_blank=True
    )

    def validate_to_status(self, value):
        targets = dict(order_status_targets(self.context["order"]))
        if value not in targets:
            raise serializers.ValidationError(
                _("Choose one of: %(targets)s.") % {"targets": ", ".join(targets) or "-"}
            )
        return value


class RefundLineSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1)


class RefundCreateSerializer(serializers.Serializer):
    """Everything left (no `lines`, no `amount`), or some line quantities and/or an
    amount, as on the staff order page."""

    lines = RefundLineSerializer(many=True, required=False)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    reason = serializers.CharField(max_length=255)

    def validate_lines(self, value):
        left = {
            line.pk: line.quantity - line.refunded_quantity
            for line in self.context["order"].lines.all()
        }
        quantities: dict[int, int] = {}
        for item in value:
            pk = item["line"]
            quantities[pk] = quantities.get(pk, 0) + item["quantity"]
            if pk not in left:
                raise serializers.ValidationError(
                    _("Line %(line)s is not on this order.") % {"line": pk}
                )
            if quantities[pk] > left[pk]:
                raise serializers.ValidationError(
                    _("Line %(line)s has %(left)s left to refund.") % {"line": pk, "left": left[pk]}
                )
        return quantities
