"""What each role's dashboard shows. Each function returns plain data for one card and
runs a fixed number of queries."""

from shop.selectors.catalog import product_low_stock
from shop.selectors.orders import orders_for_user, staff_orders

CARD_ROWS = 8


def customer_cards(*, user) -> dict:
    return {"recent_orders": list(orders_for_user(user)[:CARD_ROWS])}


def staff_cards(*, user) -> dict:
    return {
        "low_stock": list(product_low_stock()[:CARD_ROWS]),
        "recent_orders": list(staff_orders()[:CARD_ROWS]),
    }


def manager_cards(*, user) -> dict:
    return {"recent_orders": list(staff_orders()[:CARD_ROWS])}


def booster_cards(*, user) -> dict:
    return {}


CARDS = {
    "customer": customer_cards,
    "staff": staff_cards,
    "manager": manager_cards,
    "booster": booster_cards,
}
