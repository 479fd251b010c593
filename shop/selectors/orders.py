"""Order reads for the customer's pages and the staff pages.

Reading orders settles their expiry first: an unpaid order past its pay-by time is expired
(released and canceled, under its row lock, by the same service the periodic task runs),
so every page and dashboard shows it as it is, with or without the task. With nothing due
that is one indexed query."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from shop.kinds import kind_get
from shop.models import Order, OrderLine, OrderStatusChange, Payment, Refund


def _settle_expiry(**scope) -> None:
    from shop.services.orders import order_expire_overdue

    order_expire_overdue(**scope)


def orders_for_user(user) -> QuerySet[Order]:
    """A customer's orders with their item counts (one query per page)."""
    _settle_expiry(user=user)
    return (
        Order.objects.filter(user=user)
        .annotate(item_count=Sum("lines__quantity"), line_count=Count("lines"))
        .order_by("-created", "-pk")
    )


def order_detail_queryset() -> QuerySet[Order]:
    return Order.objects.select_related("user").prefetch_related(
        "lines",
        Prefetch(
            "history",
            queryset=OrderStatusChange.objects.select_related("actor").order_by("created", "pk"),
        ),
        Prefetch("payments", queryset=Payment.objects.order_by("-created", "-pk")),
        Prefetch("refunds", queryset=Refund.objects.select_related("actor", "payment")),
    )


def order_for_user(*, user, number: str) -> Order | None:
    """The user's order with this number, or None (another user's order is not found)."""
    _settle_expiry(user=user)
    return order_detail_queryset().filter(user=user, number=number).first()


def staff_orders() -> QuerySet[Order]:
    _settle_expiry()
    return (
        Order.objects.select_related("user")
        .annotate(item_count=Sum("lines__quantity"))
        .order_by("-created", "-pk")
    )


def staff_order(*, number: str) -> Order | None:
    _settle_expiry(pks=Order.objects.filter(number=number).values("pk"))
    return order_detail_queryset().filter(number=number).first()


def orders_for_organization(*, organization) -> QuerySet[Order]:
    """Orders with a line `organization` sells, each with only those lines prefetched as
    `organization_lines` (an organization never sees another's lines of a shared order)."""
    theirs = OrderLine.objects.filter(organization=organization)
    _settle_expiry(pks=theirs.values("order"))
    return (
        Order.objects.filter(Exists(theirs.filter(order=OuterRef("pk"))))
        .prefetch_related(Prefetch("lines", queryset=theirs, to_attr="organization_lines"))
        .order_by("-created", "-pk")
    )


def order_search(queryset: QuerySet[Order], text: str) -> QuerySet[Order]:
    text = (text or "").strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(number__icontains=text) | Q(email__icontains=text) | Q(user__name__icontains=text)
    )


def order_line_links(order: Order) -> dict[int, list[tuple[str, str]]]:
    """Each kind's extra links for the order's lines (e.g. ticket PDFs), by line pk."""
    by_kind: dict[str, list] = {}
    for line in order.lines.all():
        by_kind.setdefault(line.kind, []).append(line)
    links: dict[int, list[tuple[str, str]]] = {}
    for code, lines in by_kind.items():
        try:
            links.update(kind_get(code).line_links(order_lines=lines))
        except LookupError:
            continue
    return links
