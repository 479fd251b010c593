from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop"

    def ready(self):
        from .kinds import kind_register
        from .product_kind import ProductKind

        kind_register(ProductKind())
