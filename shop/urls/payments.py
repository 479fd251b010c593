from django.urls import path

from shop.views import payments as views

urlpatterns = [
    path("orders/<str:number>/pay/", views.payment_start, name="payment_start"),
    path("payments/mock/ipn/", views.mock_ipn, name="mock_ipn"),
    path("payments/mock/return/", views.mock_return, name="mock_return"),
    path("payments/mock/<str:reference>/", views.mock_sandbox, name="mock_sandbox"),
    path("payments/vnpay/return/", views.vnpay_return, name="vnpay_return"),
    path("payments/vnpay/ipn/", views.vnpay_ipn, name="vnpay_ipn"),
]
