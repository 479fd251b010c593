from django.urls import path

from shop.views import catalog

urlpatterns = [
    path("shop/", catalog.product_list, name="product_list"),
    path("shop/p/<slug:slug>/", catalog.product_detail, name="product_detail"),
]
