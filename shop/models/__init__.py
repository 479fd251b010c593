"""Shop models: catalog, cart, orders, payments and the stock ledger."""

from .cart import Cart, CartLine
from .catalog import Category, Currency, Product
from .inventory import StockMovement
from .orders import Order, OrderLine, OrderStatusChange
from .payments import Payment, ProcessedCallback, Refund

__all__ = [
    "Cart",
    "CartLine",
    "Category",
    "Currency",
    "Order",
    "OrderLine",
    "OrderStatusChange",
    "Payment",
    "ProcessedCallback",
    "Product",
    "Refund",
    "StockMovement",
]
