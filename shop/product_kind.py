"""Products as a cart-line kind."""

from .kinds import LineKind


class ProductKind(LineKind):
    code = "product"
    label = "Product"
