from django.urls import path

from shop.views import orders

urlpatterns = [
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<str:number>/", orders.order_detail, name="order_detail"),
    path("orders/<str:number>/cancel/", orders.order_cancel_view, name="order_cancel"),
    path("orders/<str:number>/invoice.pdf", orders.order_invoice, name="order_invoice"),
    path(
        "orders/<str:number>/credit-notes/<int:refund_id>.pdf",
        orders.order_credit_note,
        name="order_credit_note",
    ),
    path("staff/orders/", orders.staff_order_list, name="staff_order_list"),
    path("staff/orders/<str:number>/", orders.staff_order_detail, name="staff_order_detail"),
    path("staff/orders/<str:number>/status/", orders.staff_order_status, name="staff_order_status"),
    path("staff/orders/<str:number>/refund/", orders.staff_order_refund, name="staff_order_refund"),
    path(
        "staff/orders/<str:number>/refunds/<int:refund_id>/retry/",
        orders.staff_refund_retry,
        name="staff_refund_retry",
    ),
    path(
        "staff/orders/<str:number>/invoice.pdf",
        orders.staff_order_invoice,
        name="staff_order_invoice",
    ),
    path(
        "staff/orders/<str:number>/credit-notes/<int:refund_id>.pdf",
        orders.staff_order_credit_note,
        name="staff_order_credit_note",
    ),
]
