from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"

v1 = [
    path("categories/", views.CategoryList.as_view(), name="category_list"),
    path("products/", views.ProductList.as_view(), name="product_list"),
    path("products/<slug:slug>/", views.ProductDetail.as_view(), name="product_detail"),
    path("events/", views.EventList.as_view(), name="event_list"),
    path("events/<slug:slug>/", views.EventDetail.as_view(), name="event_detail"),
    path("me/orders/", views.MyOrderList.as_view(), name="my_order_list"),
    path("me/orders/<str:number>/", views.MyOrderDetail.as_view(), name="my_order_detail"),
    path("me/tickets/", views.MyTicketList.as_view(), name="my_ticket_list"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
