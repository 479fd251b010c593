from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop"

    def ready(self):
        from .kinds import kind_register
        from .product_kind import ProductKind

        kind_register(ProductKind())

        # Order and low-stock e-mails register their outbox handlers on import.
        from allauth.account.signals import user_logged_in

        from .services import emails, inventory  # noqa: F401
        from .services.cart import cart_merge_at_login

        user_logged_in.connect(cart_merge_at_login, dispatch_uid="shop_cart_merge_at_login")
