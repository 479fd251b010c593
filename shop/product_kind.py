"""Products as a cart-line kind. Stock is taken when a product is held (cart hold or
order reservation) and given back on release; the ledger in `shop.services.inventory`
records each step."""

from __future__ import annotations

from contextlib import suppress

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
    holds = True

    def offers(self, refs: list[str]) -> dict[str, Offer]:
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
                available=max(product.stock, 0),
                organization_id=product.organization_id,
            )
            for product in products
        }

    def hold(self, *, ref: str, quantity: int, user=None) -> None:
        """Take `quantity` off the sellable stock with one conditional UPDATE; raises
        NotAvailable(available=<stock now>) when there is not enough."""
        from .models import StockMovement
        from .services.inventory import stock_change

        product_id = _product_id(ref)
        if product_id is None or quantity < 1:
            raise NotAvailable("This product does not exist.", available=0)
        stock_change(
            product_id=product_id,
            delta=-quantity,
            kind=StockMovement.Kind.RESERVE,
            reason="Reserved for a cart or order",
            actor=user,
        )

    def release(self, *, ref: str, quantity: int, reason: str = "", actor=None) -> None:
        from .models import StockMovement
        from .services.inventory import stock_change

        product_id = _product_id(ref)
        if product_id is None or quantity < 1:
            return
        # A deleted product has nothing to give back.
        with suppress(NotAvailable):
            stock_change(
                product_id=product_id,
                delta=quantity,
                kind=StockMovement.Kind.RELEASE,
                reason=reason or "Reservation released",
                actor=actor,
                require_available=False,
            )

    def fulfil(self, *, order_line) -> None:
        """The units left the sellable stock at reservation; record the sale itself."""
        from .models import Product, StockMovement

        product_id = _product_id(order_line.ref)
        stock = Product.objects.filter(pk=product_id).values_list("stock", flat=True).first()
        if stock is None:
            return
        StockMovement.objects.create(
            product_id=product_id,
            kind=StockMovement.Kind.OUT,
            quantity=0,
            stock_after=stock,
            reason=f"Sold {order_line.quantity} on {order_line.order.number}",
            order=order_line.order,
        )

    def refund(self, *, order_line, quantity: int, actor=None) -> None:
        """Refunded units go back on the shelf."""
        from .models import StockMovement
        from .services.inventory import stock_change

        product_id = _product_id(order_line.ref)
        if product_id is None or quantity < 1:
            return
        stock_change(
            product_id=product_id,
            delta=quantity,
            kind=StockMovement.Kind.IN,
            reason=f"Refund {order_line.order.number}",
            actor=actor,
            order=order_line.order,
            require_available=False,
        )
