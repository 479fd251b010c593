"""Staff endpoints, `/api/v1/staff/...`: the back-office role rule of the pages
(`AccessPermission`, the same `roles.Perm` as each page), their selectors, FilterSets and
services: the stock ledger (`stock_adjust`), `order_status_set` and `order_refund`."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from project.accounts.roles import Perm
from shop.filters import StaffProductFilter, StockMovementFilter
from shop.models import Order, Product
from shop.selectors.catalog import product_list_staff, stock_movement_list
from shop.selectors.orders import staff_order, staff_orders
from shop.services.inventory import stock_adjust
from shop.services.orders import InvalidTransition, order_status_set
from shop.services.refunds import RefundError, RefundPayoutFailed, order_refund
from shop.views.orders import OrderFilter

from . import serializers
from .exceptions import error_body
from .idempotency import HEADER_PARAMETER, idempotent
from .permissions import AccessViewMixin
from .views import PageFilterBackend


class StaffView(AccessViewMixin, generics.GenericAPIView):
    scope_area = "staff"


class CatalogView(StaffView):
    access_permissions = (Perm.CATALOG_CHANGE,)


class OrdersView(StaffView):
    access_permissions = (Perm.ORDERS_VIEW,)
    access_permissions_write = (Perm.ORDERS_CHANGE,)

    def order(self):
        order = staff_order(number=self.kwargs["number"])
        if order is None:
            raise Http404
        return order


class StaffProductList(CatalogView, generics.ListAPIView):
    """Every product (inactive ones too) with stock and reserved units, with the staff
    product page's filters."""

    serializer_class = serializers.StaffProductSerializer
    queryset = Product.objects.none()  # for the schema; the list is `get_queryset`
    filter_backends = [PageFilterBackend]
    filterset_class = StaffProductFilter

    def get_queryset(self):
        return product_list_staff()


class StaffProductDetail(CatalogView, generics.RetrieveAPIView):
    serializer_class = serializers.StaffProductSerializer

    def get_object(self):
        product = product_list_staff().filter(pk=self.kwargs["pk"]).first()
        if product is None:
            raise Http404
        return product


class StockMovementList(CatalogView, generics.ListAPIView):
    """The stock ledger, with the stock page's filters (`product`, ...)."""

    serializer_class = serializers.StockMovementSerializer
    filter_backends = [PageFilterBackend]
    filterset_class = StockMovementFilter

    def get_queryset(self):
        return stock_movement_list()


class StockAdjust(CatalogView):
    """Set the counted on-hand stock; the ledger records the difference. `movement` is
    null when the count matched already."""

    serializer_class = serializers.StockAdjustSerializer
    get_object = StaffProductDetail.get_object

    @extend_schema(
        request=serializers.StockAdjustSerializer,
        responses={200: serializers.StockAdjustResultSerializer},
    )
    def post(self, request, *args, **kwargs):
        product = self.get_object()
        payload = serializers.StockAdjustSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        # The service's own ValidationError becomes field errors (`api.exceptions`).
        movement = stock_adjust(product=product, actor=request.user, **payload.validated_data)
        result = {"product": product, "movement": movement}
        return Response(serializers.StockAdjustResultSerializer(result).data)


class StaffOrderList(OrdersView, generics.ListAPIView):
    """Every order, with the staff order page's filters (`q`, `status`, `currency`,
    `created_after`, `created_before`, `needs_attention`)."""

    serializer_class = serializers.StaffOrderSerializer
    queryset = Order.objects.none()  # for the schema; the list is `get_queryset`
    filter_backends = [PageFilterBackend]
    filterset_class = OrderFilter

    def get_queryset(self):
        return staff_orders()


class StaffOrderDetail(OrdersView, generics.RetrieveAPIView):
    serializer_class = serializers.StaffOrderDetailSerializer

    def get_object(self):
        return self.order()


def _detail(number: str) -> dict:
    return serializers.StaffOrderDetailSerializer(staff_order(number=number)).data


class StaffOrderStatus(OrdersView):
    """Move an order to one of the statuses staff may set by hand (refunds have their
    own endpoint); cancelling releases what it holds, as on the page."""

    serializer_class = serializers.OrderStatusSetSerializer

    @extend_schema(responses={200: serializers.StaffOrderDetailSerializer})
    def post(self, request, *args, **kwargs):
        order = self.order()
        payload = serializers.OrderStatusSetSerializer(data=request.data, context={"order": order})
        payload.is_valid(raise_exception=True)
        try:
            order_status_set(order=order, actor=request.user, **payload.validated_data)
        except InvalidTransition as refused:
            return Response(
                error_body(code="invalid_transition", message=str(refused)),
                status=status.HTTP_409_CONFLICT,
            )
        return Response(_detail(order.number))


class StaffOrderRefund(OrdersView):
    """Refund through the refund service: everything left, or line quantities and/or an
    amount. Send an `Idempotency-Key`: a retry then never refunds twice. A refund whose
    goods were given back but whose payout failed is a 409 `refund_payout_failed`."""

    serializer_class = serializers.RefundCreateSerializer

    @extend_schema(
        parameters=[HEADER_PARAMETER],
        responses={201: serializers.StaffOrderDetailSerializer},
    )
    @idempotent
    def post(self, request, *args, **kwargs):
        order = self.order()
        payload = serializers.RefundCreateSerializer(data=request.data, context={"order": order})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            order_refund(
                order=order,
                actor=request.user,
                lines=data.get("lines"),
                amount=data.get("amount"),
                reason=data["reason"],
            )
        except RefundPayoutFailed as failed:
            # The refund row exists: this answer is kept for the key like a success.
            return Response(
                error_body(code="refund_payout_failed", message=str(failed)),
                status=status.HTTP_409_CONFLICT,
            )
        except RefundError as refused:
            return Response(
                error_body(code="refund_refused", message=str(refused)),
                status=status.HTTP_409_CONFLICT,
            )
        return Response(_detail(order.number), status=status.HTTP_201_CREATED)
