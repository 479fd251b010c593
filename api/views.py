"""API views: each a thin call to the selectors and services the pages use, with the
pages' authorization. Another user's or organization's object is a 404."""

from __future__ import annotations

from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from dashboards.live import order_live
from events.filters import EventFilter
from events.models import Event
from events.selectors import event_get_public, event_list_public, tickets_for_user
from shop.filters import ProductFilter
from shop.models import Product
from shop.selectors.catalog import (
    category_tree,
    organizations_selling,
    product_get_public,
    product_list_public,
)
from shop.selectors.orders import order_for_user, orders_for_user
from shop.services.cart import reservations_expire_due

from . import serializers


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
def not_found(request, *args, **kwargs):
    raise Http404


class PageFilterBackend(DjangoFilterBackend):
    """The pages' FilterSets, with what their constructors take on the pages."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs.update(getattr(view, "filterset_extra", lambda: {})())
        return kwargs


class CategoryList(generics.ListAPIView):
    """The category tree, parents before their children."""

    scope_area = "catalog"
    anonymous_read = True
    serializer_class = serializers.CategorySerializer
    pagination_class = None

    def get_queryset(self):
        return category_tree()


class ProductList(generics.ListAPIView):
    """Products on sale, with the catalog page's filters (`q`, `category`, `price_min`,
    `price_max`, `in_stock`, `organization`)."""

    scope_area = "catalog"
    anonymous_read = True
    serializer_class = serializers.ProductSerializer
    queryset = Product.objects.none()  # for the schema; the list is `get_queryset`
    filter_backends = [PageFilterBackend]
    filterset_class = ProductFilter

    def filterset_extra(self):
        return {"organizations": organizations_selling()}

    def get_queryset(self):
        reservations_expire_due(kind="product")
        return product_list_public().select_related("category")


class ProductDetail(generics.RetrieveAPIView):
    scope_area = "catalog"
    anonymous_read = True
    serializer_class = serializers.ProductSerializer
    lookup_field = "slug"

    def get_object(self):
        reservations_expire_due(kind="product")
        product = product_get_public(slug=self.kwargs["slug"])
        if product is None:
            raise Http404
        return product


class EventList(generics.ListAPIView):
    """Public events with the event list's filters (`q`, `city`, `sport`, `when`, ...)."""

    scope_area = "catalog"
    anonymous_read = True
    serializer_class = serializers.EventSerializer
    queryset = Event.objects.none()  # for the schema; the list is `get_queryset`
    filter_backends = [PageFilterBackend]
    filterset_class = EventFilter

    def get_queryset(self):
        reservations_expire_due(kind="ticket")
        return event_list_public()


class EventDetail(generics.RetrieveAPIView):
    """One public event with its ticket types and what is left of each."""

    scope_area = "catalog"
    anonymous_read = True
    serializer_class = serializers.EventDetailSerializer

    def get_object(self):
        reservations_expire_due(kind="ticket")
        event = event_get_public(slug=self.kwargs["slug"])
        if event is None:
            raise Http404
        return event


class MyOrderList(generics.ListAPIView):
    scope_area = "orders"
    serializer_class = serializers.OrderSerializer

    def get_queryset(self):
        return orders_for_user(self.request.user)


class MyOrderDetail(generics.RetrieveAPIView):
    scope_area = "orders"
    serializer_class = serializers.OrderDetailSerializer

    def get_object(self):
        order = order_for_user(user=self.request.user, number=self.kwargs["number"])
        if order is None:
            raise Http404
        return order


class MyTicketList(generics.ListAPIView):
    scope_area = "orders"
    serializer_class = serializers.TicketSerializer

    def get_queryset(self):
        return tickets_for_user(user=self.request.user)


class MyOrderLive(generics.RetrieveAPIView):
    """My order's live status: the snapshot the order page's live panel shows
    (`dashboards.live.order_live`): status, overall percent, assignees and each line a
    kind reports on."""

    scope_area = "orders"
    serializer_class = serializers.OrderLiveSerializer

    def get_object(self):
        order = order_for_user(user=self.request.user, number=self.kwargs["number"])
        if order is None:
            raise Http404
        return order_live(order)
