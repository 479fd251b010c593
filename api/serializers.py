"""Read shapes of the API. Money is a decimal string with its ISO currency; times are
ISO 8601 with their offset."""

from __future__ import annotations

from rest_framework import serializers

from events.models import Attendee, Event, TicketType
from shop.models import Category, Order, OrderLine, Product


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

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
    city = serializers.CharField(source="location.city", default="", read_only=True)
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


class OrderLiveSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    progress = serializers.IntegerField(allow_null=True)
    assignee = serializers.CharField(allow_null=True, allow_blank=True)
