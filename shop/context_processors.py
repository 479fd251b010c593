"""The header's mini-cart: the number of units in the visitor's cart, counted only when a
template asks for it (one query)."""

from django.utils.functional import cached_property

from shop.selectors.cart import cart_item_count


class MiniCart:
    def __init__(self, request):
        self._request = request

    @cached_property
    def count(self) -> int:
        return cart_item_count(self._request)


def cart(request):
    return {"shop_cart": MiniCart(request)}
