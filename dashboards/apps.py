from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards"

    def ready(self):
        from shop.signals import order_status_changed

        from .broadcast import on_order_status_changed

        order_status_changed.connect(on_order_status_changed, dispatch_uid="dashboards.order")
