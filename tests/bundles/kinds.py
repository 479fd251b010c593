"""The bundle kind: a composite line whose `parts()` are products. It holds nothing itself;
the shop's reservation module reserves, sells and restocks the parts."""

from __future__ import annotations

from shop.kinds import LineKind, Offer, Part


def _bundle_id(ref) -> int | None:
    try:
        value = int(str(ref))
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


class BundleKind(LineKind):
    code = "bundle"
    label = "Bundle"
    holds = True

    def offers(self, refs, *, buyer=None):
        """Bundles whose products are all on sale, to their buyer only when made for one."""
        from .models import Bundle

        ids = {pk for pk in (_bundle_id(ref) for ref in refs) if pk}
        bundles = Bundle.objects.filter(pk__in=ids).prefetch_related("parts__product")
        offers = {}
        for bundle in bundles:
            if bundle.for_user_id and bundle.for_user_id != getattr(buyer, "pk", None):
                continue
            parts = list(bundle.parts.all())
            if not parts or not all(part.product.active for part in parts):
                continue
            offers[str(bundle.pk)] = Offer(
                title=bundle.title,
                unit_price=bundle.price,
                currency=bundle.currency,
                available=min(part.product.available // part.quantity for part in parts),
                is_physical=any(part.product.is_physical for part in parts),
            )
        return offers

    def parts(self, ref, quantity):
        from .models import BundlePart

        return [
            Part(kind="product", ref=str(product_id), quantity=per_unit * quantity)
            for product_id, per_unit in BundlePart.objects.filter(bundle_id=_bundle_id(ref))
            .order_by("product_id")
            .values_list("product_id", "quantity")
        ]
