from django.urls import path

from shop.views import cart, checkout

urlpatterns = [
    path("cart/", cart.cart_detail, name="cart"),
    path("cart/add/", cart.cart_add_view, name="cart_add"),
    path("cart/mini/", cart.mini_cart, name="mini_cart"),
    path("cart/lines/<int:line_id>/", cart.cart_line_update, name="cart_line_update"),
    path("cart/lines/<int:line_id>/remove/", cart.cart_line_delete, name="cart_line_remove"),
    path("checkout/", checkout.checkout_start, name="checkout"),
    path("checkout/delivery/", checkout.checkout_address, name="checkout_address"),
    path("checkout/payment/", checkout.checkout_payment, name="checkout_payment"),
    path("checkout/review/", checkout.checkout_review, name="checkout_review"),
    path("checkout/place/", checkout.checkout_place, name="checkout_place"),
]
