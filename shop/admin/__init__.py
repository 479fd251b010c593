"""Shop admin, one module per area."""

from . import catalog, orders, payments  # noqa: F401
