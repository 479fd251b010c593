"""Order pages: the customer's list, detail, cancel, invoice and credit notes; the staff
list (table, filters, CSV), detail, status changes and refunds."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from project.accounts.access import access_required
from project.accounts.roles import Perm
from project.core.badges import status_badge
from project.core.exports import export_requested, export_response
from project.core.ratelimit import search_rate
from shop.forms_checkout import OrderStatusForm, RefundForm
from shop.models import Currency, Order, Refund
from shop.selectors.orders import (
    order_for_user,
    order_line_links,
    order_search,
    orders_for_user,
    staff_order,
    staff_orders,
)
from shop.services.invoices import (
    NoInvoice,
    credit_note_filename,
    credit_note_pdf,
    invoice_filename,
    invoice_pdf,
)
from shop.services.orders import (
    InvalidTransition,
    order_cancel,
    order_status_set,
    order_status_targets,
)
from shop.services.refunds import RefundError, order_refund, refund_retry

# --- customer ------------------------------------------------------------------------------


@login_required
@require_GET
def order_list(request):
    page = Paginator(orders_for_user(request.user), 20).get_page(request.GET.get("page"))
    template = "shop/orders/list.html#order-list" if request.htmx else "shop/orders/list.html"
    return render(request, template, {"page_obj": page, "orders": page.object_list})


def _own_order(request, number: str) -> Order:
    order = order_for_user(user=request.user, number=number)
    if order is None:
        raise Http404("No such order.")
    return order


@login_required
@require_GET
def order_detail(request, number: str):
    order = _own_order(request, number)
    # The live panel asks for the page's live region again after each change it hears of.
    template = "shop/orders/detail.html#order-live" if request.htmx else "shop/orders/detail.html"
    context = {"order": order, "line_links": order_line_links(order), **_delivery_context(order)}
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _delivery_context(order: Order) -> dict:
    """What shop/orders/delivery.html shows, on the customer's and the staff page."""
    return {
        "pickup_location": settings.SHOP_PICKUP_LOCATION,
    }


@login_required
@require_POST
def order_cancel_view(request, number: str):
    order = _own_order(request, number)
    try:
        order_cancel(order=order, actor=request.user)
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Order {order.number} was canceled.")
    return redirect(order.get_absolute_url())


def _pdf_response(render, filename: str) -> HttpResponse:
    try:
        body = render()
    except NoInvoice as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _invoice_response(order: Order) -> HttpResponse:
    """The invoice, or 404 for an order whose money never came in."""
    return _pdf_response(lambda: invoice_pdf(order=order), invoice_filename(order))


def _credit_note_response(order: Order, refund_id: int) -> HttpResponse:
    """A refund's credit note, or 404 for another order's refund or one not paid out."""
    refund = get_object_or_404(order.refunds.select_related("order"), pk=refund_id)
    return _pdf_response(lambda: credit_note_pdf(refund=refund), credit_note_filename(refund))


@login_required
@require_GET
def order_invoice(request, number: str):
    return _invoice_response(_own_order(request, number))


@login_required
@require_GET
def order_credit_note(request, number: str, refund_id: int):
    return _credit_note_response(_own_order(request, number), refund_id)


# --- staff ---------------------------------------------------------------------------------


# Everyone who works orders sees them; changing and refunding is narrower.
orders_view_access = access_required(Perm.ORDERS_VIEW)
orders_change_access = access_required(Perm.ORDERS_VIEW, Perm.ORDERS_CHANGE)


class OrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    status = django_filters.ChoiceFilter(choices=Order.Status.choices, empty_label="Any status")
    # Orders keep the currency they were paid in, so older ones may differ from today's.
    currency = django_filters.ChoiceFilter(choices=Currency.choices, empty_label="Any currency")
    created_after = django_filters.DateFilter(
        field_name="created",
        lookup_expr="date__gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_before = django_filters.DateFilter(
        field_name="created",
        lookup_expr="date__lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    needs_attention = django_filters.BooleanFilter(
        label="Needs attention",
        method="attention",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = Order
        fields = ["q", "status", "currency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "input")

    def search(self, queryset, name, value):
        return order_search(queryset, value)

    def attention(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.exclude(needs_attention="")
        return queryset.filter(needs_attention="")


class OrderTable(tables.Table):
    number = tables.Column(linkify=("shop:staff_order_detail", {"number": tables.A("number")}))
    created = tables.DateTimeColumn(format="Y-m-d H:i")
    email = tables.Column(verbose_name="Customer")
    status = tables.Column()
    item_count = tables.Column(verbose_name="Items", orderable=False)
    total = tables.Column(attrs={"td": {"class": "text-right tabular-nums"}})
    currency = tables.Column()
    needs_attention = tables.Column(verbose_name="Attention", orderable=False)

    class Meta:
        model = Order
        fields = [
            "number",
            "created",
            "email",
            "status",
            "item_count",
            "total",
            "currency",
            "needs_attention",
        ]
        attrs = {"id": "orders"}
        empty_text = "No orders match."

    def render_status(self, record, value):
        return status_badge(record.status, value)

    def render_needs_attention(self, value):
        return format_html('<span class="badge badge-danger" title="{}">Look</span>', value)

    def value_status(self, record):
        return record.status

    def value_needs_attention(self, value):
        return value


@orders_view_access
@require_GET
@ratelimit(key="user_or_ip", rate=search_rate, block=True)
def staff_order_list(request):
    filterset = OrderFilter(request.GET or None, queryset=staff_orders())
    table = OrderTable(filterset.qs)
    tables.RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if export_format := export_requested(request):
        # Every filtered row (not just the page), with the table's `value_*` values.
        return export_response(table, export_format=export_format, name="orders")
    template = "shop/orders/staff_list.html"
    if request.htmx:
        template += "#orders-table"
    return render(request, template, {"filter": filterset, "table": table})


def _staff_order(number: str) -> Order:
    order = staff_order(number=number)
    if order is None:
        raise Http404("No such order.")
    return order


def _staff_detail(request, order, *, status_form=None, refund_form=None, status=200):
    return render(
        request,
        "shop/orders/staff_detail.html",
        {
            "order": order,
            "status_form": status_form or OrderStatusForm(targets=order_status_targets(order)),
            "refund_form": refund_form or RefundForm(order=order),
            "can_refund": order.status in {"paid", "shipped", "completed"},
            **_delivery_context(order),
        },
        status=status,
    )


@orders_view_access
@require_GET
def staff_order_detail(request, number: str):
    return _staff_detail(request, _staff_order(number))


@orders_change_access
@require_POST
def staff_order_status(request, number: str):
    order = _staff_order(number)
    form = OrderStatusForm(request.POST, targets=order_status_targets(order))
    if not form.is_valid():
        return _staff_detail(request, order, status_form=form, status=400)
    try:
        order_status_set(
            order=order,
            to_status=form.cleaned_data["to_status"],
            actor=request.user,
            note=form.cleaned_data["note"],
            internal_note=form.cleaned_data["internal_note"],
        )
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        status = order.get_status_display().lower()
        messages.success(request, f"Order {order.number} is now {status}.")
    return redirect("shop:staff_order_detail", number=order.number)


@orders_change_access
@require_POST
def staff_order_refund(request, number: str):
    order = _staff_order(number)
    form = RefundForm(request.POST, order=order)
    if not form.is_valid():
        return _staff_detail(request, order, refund_form=form, status=400)
    try:
        refund = order_refund(
            order=order,
            actor=request.user,
            lines=form.cleaned_data["lines"],
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
        )
    except RefundError as exc:
        form.add_error(None, str(exc))
        return _staff_detail(request, order, refund_form=form, status=400)
    messages.success(request, f"Refunded {refund.amount} {order.currency} on {order.number}.")
    return redirect("shop:staff_order_detail", number=order.number)


@orders_change_access
@require_POST
def staff_refund_retry(request, number: str, refund_id: int):
    order = _staff_order(number)
    refund = get_object_or_404(Refund, pk=refund_id, order=order)
    try:
        refund_retry(refund=refund, actor=request.user)
    except RefundError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Refund #{refund.pk} was paid out this time.")
    return redirect("shop:staff_order_detail", number=order.number)


@orders_view_access
@require_GET
def staff_order_invoice(request, number: str):
    return _invoice_response(_staff_order(number))


@orders_view_access
@require_GET
def staff_order_credit_note(request, number: str, refund_id: int):
    return _credit_note_response(_staff_order(number), refund_id)
