"""Shop URLs, one module per area: catalog, cart and checkout, orders, payments, staff."""

from . import cart, catalog, orders, payments, staff

app_name = "shop"

urlpatterns = [
    *catalog.urlpatterns,
    *cart.urlpatterns,
    *orders.urlpatterns,
    *payments.urlpatterns,
    *staff.urlpatterns,
]
