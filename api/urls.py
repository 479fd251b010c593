from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import organizer, staff, views

app_name = "api"

org = [
    path("events/", organizer.OrganizerEventList.as_view(), name="org_event_list"),
    path("events/<int:event_id>/", organizer.OrganizerEventDetail.as_view(), name="org_event"),
    path(
        "events/<int:event_id>/attendees/",
        organizer.AttendeeList.as_view(),
        name="org_attendee_list",
    ),
    path(
        "events/<int:event_id>/attendees.csv",
        organizer.AttendeeExport.as_view(),
        name="org_attendee_csv",
    ),
    path("events/<int:event_id>/checkin/", organizer.Checkin.as_view(), name="org_checkin"),
    path("orders/", organizer.OrganizationOrderList.as_view(), name="org_order_list"),
]

staff_urls = [
    path("products/", staff.StaffProductList.as_view(), name="staff_product_list"),
    path("products/<int:pk>/", staff.StaffProductDetail.as_view(), name="staff_product"),
    path("products/<int:pk>/stock/", staff.StockAdjust.as_view(), name="staff_stock_adjust"),
    path("stock/", staff.StockMovementList.as_view(), name="staff_stock"),
    path("orders/", staff.StaffOrderList.as_view(), name="staff_order_list"),
    path("orders/<str:number>/", staff.StaffOrderDetail.as_view(), name="staff_order"),
    path(
        "orders/<str:number>/status/", staff.StaffOrderStatus.as_view(), name="staff_order_status"
    ),
    path(
        "orders/<str:number>/refund/", staff.StaffOrderRefund.as_view(), name="staff_order_refund"
    ),
]

v1 = [
    path("categories/", views.CategoryList.as_view(), name="category_list"),
    path("products/", views.ProductList.as_view(), name="product_list"),
    path("products/<slug:slug>/", views.ProductDetail.as_view(), name="product_detail"),
    path("events/", views.EventList.as_view(), name="event_list"),
    path("events/<slug:slug>/", views.EventDetail.as_view(), name="event_detail"),
    path("me/orders/", views.MyOrderList.as_view(), name="my_order_list"),
    path("me/orders/<str:number>/", views.MyOrderDetail.as_view(), name="my_order_detail"),
    path("me/orders/<str:number>/live/", views.MyOrderLive.as_view(), name="my_order_live"),
    path("me/tickets/", views.MyTicketList.as_view(), name="my_ticket_list"),
    path("org/<slug:org_slug>/", include(org)),
    path("staff/", include(staff_urls)),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/ is a 404 in the API's error shape, not the site's page.
    re_path(r"", views.not_found),
]
