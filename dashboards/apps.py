from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from shop.order_page import order_section_register
        from shop.signals import order_status_changed

        from .broadcast import on_order_status_changed

        order_status_changed.connect(on_order_status_changed, dispatch_uid="dashboards.order")
        # The live panel (progress, assignee) on the customer's order page.
        order_section_register("dashboards/order_panel.html")
