"""Test support for the live panel: a kind that reports progress (a job someone works on),
and orders of any lines, written straight to the database so a test picks the status."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from shop.kinds import LineKind, LineProgress, Offer, kind_register, kind_unregister
from shop.models import Order, OrderLine


@dataclass
class JobKind(LineKind):
    """Work done over time; `reports` is the progress of each ref, as a booster would set."""

    code = "job"
    label = "Job"
    holds = False

    reports: dict[str, LineProgress] = field(default_factory=dict)
    progress_calls: int = 0

    def offers(self, refs, *, buyer=None):
        return {ref: Offer(title=ref, unit_price=Decimal("100000"), currency="VND") for ref in refs}

    def hold(self, *, ref, quantity, user=None):
        pass

    def release(self, *, ref, quantity, reason="", actor=None):
        pass

    def progress(self, *, order_lines):
        self.progress_calls += 1
        return {line.pk: self.reports[line.ref] for line in order_lines if line.ref in self.reports}


def job_kind_install() -> JobKind:
    return kind_register(JobKind())


def job_kind_remove() -> None:
    kind_unregister(JobKind.code)


def order_with(user, *lines, status=Order.Status.PAID, refunded="0"):
    """An order of `lines` = (kind, ref, title, unit price, quantity), in `status`, with its
    lines prefetched."""
    total = sum(Decimal(price) * quantity for _, _, _, price, quantity in lines)
    order = Order.objects.create(
        number=f"TS-2026-{Order.objects.count() + 500:06d}",
        user=user,
        email=user.email,
        currency="VND",
        subtotal=total,
        total=total,
        refunded_total=Decimal(refunded),
        status=status,
        idempotency_key=f"live-{Order.objects.count()}",
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            kind=kind,
            ref=ref,
            title=title,
            unit_price=Decimal(price),
            quantity=quantity,
            line_total=Decimal(price) * quantity,
        )
        for kind, ref, title, price, quantity in lines
    )
    return Order.objects.select_related("user").prefetch_related("lines").get(pk=order.pk)
