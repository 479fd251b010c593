"""What each role's dashboard shows. Each function returns plain data for one card and
runs a fixed number of queries."""

from events.selectors import tickets_for_user
from shop.selectors.catalog import product_low_stock
from shop.selectors.orders import orders_for_user, staff_orders
from support.selectors import queue_unassigned, rooms_for_customer

CARD_ROWS = 8


def customer_cards(*, user) -> dict:
    return {
        "recent_orders": list(orders_for_user(user)[:CARD_ROWS]),
        "tickets": list(tickets_for_user(user=user)[:CARD_ROWS]),
        "rooms": list(rooms_for_customer(user=user)[:CARD_ROWS]),
    }


def staff_cards(*, user) -> dict:
    return {
        "low_stock": list(product_low_stock()[:CARD_ROWS]),
        "recent_orders": list(staff_orders()[:CARD_ROWS]),
        "support_queue": list(queue_unassigned()[:CARD_ROWS]),
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
