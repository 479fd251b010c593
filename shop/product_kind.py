"""Products as a cart-line kind. A hold (cart or unpaid order) reserves units, a release
gives them back, a payment sells them off the shelf; `shop.services.inventory` keeps on
hand, reserved and available apart and records each step."""

from __future__ import annotations

from contextlib import suppress

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .kinds import LineKind, NotAvailable, Offer


def _product_id(ref) -> int | None:
    try:
        value = int(str(ref))
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


class ProductKind(LineKind):
    code = "product"
    label = "Product"

    def units(self, count: int) -> str:
        return ngettext("%(count)s product", "%(count)s products", count) % {"count": count}

    holds = True

    def offers(self, refs: list[str], *, buyer=None) -> dict[str, Offer]:
        """Active products among `refs`, in one query."""
        from .models import Product

        ids = {pk for pk in (_product_id(ref) for ref in refs) if pk}
        if not ids:
            return {}
        products = Product.objects.filter(pk__in=ids, active=True).only(
            "pk",
            "name",
            "slug",
            "price",
            "currency",
            "stock",
            "reserved",
            "is_physical",
            "organization_id",
            "thumbnail",
        )
        return {
            str(product.pk): Offer(
                title=product.name,
                unit_price=product.price,
                currency=product.currency,
                url=product.get_absolute_url(),
                image_url=product.thumbnail.url if product.thumbnail else "",
                is_physical=product.is_physical,
                available=product.available,
                organization_id=product.organization_id,
            )
            for product in products
        }

    def hold(self, *, ref: str, quantity: int, user=None) -> None:
        """Reserve `quantity` with one conditional UPDATE (`stock_reserve`); raises
        NotAvailable(available=<available now>) when there is not enough."""
        from .services.inventory import stock_reserve

        product_id = _product_id(ref)
        if product_id is None or quantity < 1:
            raise NotAvailable(_("This product does not exist."), available=0)
        stock_reserve(product_id=product_id, quantity=quantity, actor=user)

    def release(self, *, ref: str, quantity: int, reason: str = "", actor=None) -> None:
        from .services.inventory import stock_release

        product_id = _product_id(ref)
        if product_id is None or quantity < 1:
            return
        stock_release(product_id=product_id, quantity=quantity, reason=reason, actor=actor)

    def fulfil(self, *, order_line) -> None:
        """The reserved units are sold: they leave the shelf."""
        from .services.inventory import stock_sell

        product_id = _product_id(order_line.ref)
        if product_id is None:
            return
        stock_sell(
            product_id=product_id,
            quantity=order_line.quantity,
            order=order_line.order,
            reason=f"Sold {order_line.quantity} on {order_line.order.number}",
        )

    def refund(self, *, order_line, quantity: int, actor=None) -> None:
        """Refunded units go back on the shelf."""
        from .models import StockMovement
        from .services.inventory import stock_change

        product_id = _product_id(order_line.ref)
        if product_id is None or quantity < 1:
            return
        # A deleted product has nothing to take back.
        with suppress(NotAvailable):
            stock_change(
                product_id=product_id,
                delta=quantity,
                kind=StockMovement.Kind.IN,
                reason=f"Refund {order_line.order.number}",
                actor=actor,
                order=order_line.order,
            )
