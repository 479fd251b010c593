"""Staff back office for the catalog: products, categories and the stock ledger. Every view
requires the catalog permission through the one access rule (`project.accounts.access`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit
from django_tables2 import RequestConfig

from project.accounts.access import access_required
from project.accounts.roles import Perm
from project.core.exports import export_requested, export_response
from project.core.ratelimit import search_rate
from shop.filters import StaffProductFilter, StockMovementFilter
from shop.forms_catalog import CategoryForm, ProductForm, StockAdjustForm
from shop.models import Category
from shop.selectors.catalog import (
    category_list_staff,
    product_list_staff,
    product_low_stock,
    stock_movement_list,
)
from shop.services.catalog import category_save, product_create, product_update
from shop.services.inventory import stock_adjust
from shop.tables import CategoryTable, ProductExportTable, ProductTable, StockMovementTable

PER_PAGE = 25


catalog_access = access_required(Perm.CATALOG_CHANGE)


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- Overview --------------------------------------------------------------------------------


@catalog_access
def staff_shop(request):
    low_stock = list(product_low_stock()[:20])
    return render(request, "shop/staff/overview.html", {"low_stock": low_stock})


# --- Products --------------------------------------------------------------------------------


@catalog_access
@ratelimit(key="user_or_ip", rate=search_rate, block=True)
def staff_products(request):
    product_filter = StaffProductFilter(request.GET, queryset=product_list_staff())
    if export_format := export_requested(request):
        products = ProductExportTable(product_filter.qs.order_by("name", "pk"))
        return export_response(products, export_format=export_format, name="products")
    table = ProductTable(product_filter.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    template = "shop/staff/products.html"
    if request.htmx:
        template += "#results"
    return render(request, template, {"filter": product_filter, "table": table})


@catalog_access
@require_http_methods(["GET", "POST"])
def staff_product_create(request):
    form = ProductForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = product_create(actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"“{product.name}” was created.")
            return redirect("shop:staff_product_edit", pk=product.pk)
    return render(request, "shop/staff/product_form.html", {"form": form, "product": None})


@catalog_access
@require_http_methods(["GET", "POST"])
def staff_product_edit(request, pk: int):
    product = get_object_or_404(product_list_staff(), pk=pk)
    form = ProductForm(request.POST or None, request.FILES or None, product=product)
    if request.method == "POST" and form.is_valid():
        try:
            product_update(product=product, actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"“{product.name}” was saved.")
            return redirect("shop:staff_product_edit", pk=product.pk)
    return render(request, "shop/staff/product_form.html", {"form": form, "product": product})


# --- Categories ------------------------------------------------------------------------------


@catalog_access
def staff_categories(request):
    table = CategoryTable(category_list_staff())
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    template = "shop/staff/categories.html"
    if request.htmx:
        template += "#results"
    return render(request, template, {"table": table})


@catalog_access
@require_http_methods(["GET", "POST"])
def staff_category_create(request):
    return _category_form(request, category=None)


@catalog_access
@require_http_methods(["GET", "POST"])
def staff_category_edit(request, pk: int):
    return _category_form(request, category=get_object_or_404(Category, pk=pk))


def _category_form(request, *, category):
    form = CategoryForm(request.POST or None, category=category)
    if request.method == "POST" and form.is_valid():
        try:
            saved = category_save(category=category, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Category “{saved.name}” was saved.")
            return redirect("shop:staff_categories")
    return render(request, "shop/staff/category_form.html", {"form": form, "category": category})


# --- Stock -----------------------------------------------------------------------------------


@catalog_access
@ratelimit(key="user_or_ip", rate=search_rate, block=True)
def staff_stock(request):
    movement_filter = StockMovementFilter(request.GET, queryset=stock_movement_list())
    table = StockMovementTable(movement_filter.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    if request.htmx and request.htmx.target == "movements-wrapper":
        return render(request, "shop/staff/stock.html#results", {"table": table})
    product = None
    product_id = request.GET.get("product", "")
    if product_id.isdigit():
        product = product_list_staff().filter(pk=product_id).first()
    adjust_form = StockAdjustForm(
        initial={"product": product.pk, "new_stock": product.stock} if product else None
    )
    context = {
        "filter": movement_filter,
        "table": table,
        "product": product,
        "adjust_form": adjust_form,
        "low_stock": list(product_low_stock()[:10]),
    }
    template = "shop/staff/stock.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@catalog_access
@require_POST
def staff_stock_adjust(request):
    form = StockAdjustForm(request.POST)
    product = None
    if form.is_valid():
        product = form.cleaned_data["product"]
        try:
            movement = stock_adjust(
                product=product,
                new_stock=form.cleaned_data["new_stock"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if movement is None:
                messages.info(request, f"“{product.name}” has {product.stock} on hand already.")
            else:
                change = f"{movement.quantity:+d}"
                messages.success(
                    request,
                    f"“{product.name}” now has {movement.stock_after} on hand ({change}).",
                )
            return redirect(reverse("shop:staff_stock") + f"?product={product.pk}")
    elif form.cleaned_data.get("product"):
        product = form.cleaned_data["product"]
    movement_filter = StockMovementFilter(
        {"product": product.pk} if product else {}, queryset=stock_movement_list()
    )
    table = StockMovementTable(movement_filter.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    context = {
        "filter": movement_filter,
        "table": table,
        "product": product,
        "adjust_form": form,
        "low_stock": list(product_low_stock()[:10]),
    }
    return render(request, "shop/staff/stock.html", context, status=400)
