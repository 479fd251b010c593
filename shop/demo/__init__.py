"""Shop demo data: the catalog first, then orders for the demo customer."""

from . import catalog, orders


def seed(*, out) -> None:
    catalog.seed(out=out)
    orders.seed(out=out)
