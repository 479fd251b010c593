"""FilterSets for the catalog (public list) and the staff pages. Each filters a selector's
queryset; none of them adds queries per row."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from project.organizations.models import Organization
from shop.currency import shop_currency
from shop.models import Category, Product, StockMovement

INPUT = "input"


def _price_input(placeholder: str) -> forms.NumberInput:
    return forms.NumberInput(
        attrs={
            "class": INPUT,
            "min": "0",
            "step": "any",
            "placeholder": placeholder,
            "inputmode": "decimal",
        }
    )


class ProductFilter(django_filters.FilterSet):
    """The public list: search, category (with descendants), price range, in stock,
    organization, and the sort order."""

    SORTS = {
        "name": ("name", _("Name")),
        "price": ("price", _("Price: low to high")),
        "-price": ("-price", _("Price: high to low")),
        "newest": ("-created", _("Newest")),
    }

    q = django_filters.CharFilter(
        max_length=100,
        method="filter_q",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={
                "class": INPUT,
                "placeholder": _("Search products…"),
                "type": "search",
                "autocomplete": "off",
                "maxlength": "100",
            }
        ),
    )
    category = django_filters.CharFilter(method="filter_category", widget=forms.HiddenInput)
    # Prices are compared in the deployment's currency only (SHOP_CURRENCY).
    price_min = django_filters.NumberFilter(
        method="filter_price",
        lookup_expr="gte",
        label=_("Min price"),
        widget=_price_input(_("Min")),
    )
    price_max = django_filters.NumberFilter(
        method="filter_price",
        lookup_expr="lte",
        label=_("Max price"),
        widget=_price_input(_("Max")),
    )
    in_stock = django_filters.BooleanFilter(
        method="filter_in_stock",
        label=_("In stock only"),
        widget=forms.CheckboxInput(
            attrs={"class": "size-4 rounded border-slate-300 text-indigo-600"}
        ),
    )
    organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.none(),
        to_field_name="slug",
        label=_("Seller"),
        empty_label=_("All sellers"),
        widget=forms.Select(attrs={"class": INPUT}),
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        label=_("Sort by"),
        choices=[(key, label) for key, (_field, label) in SORTS.items()],
        empty_label=None,
        widget=forms.Select(attrs={"class": INPUT}),
    )

    class Meta:
        model = Product
        fields = ["q", "category", "price_min", "price_max", "in_stock", "organization", "sort"]

    def __init__(self, data=None, *args, organizations=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        for name, label in (("price_min", _("Min price")), ("price_max", _("Max price"))):
            self.form.fields[name].label = _("{label} ({currency})").format(
                label=label, currency=shop_currency()
            )
        if organizations is not None:
            self.filters["organization"].queryset = organizations
            self.form.fields["organization"].queryset = organizations

    @property
    def qs(self):
        queryset = super().qs
        # Ordering when no (valid) sort was chosen; pk breaks ties for stable pages.
        if not queryset.query.order_by:
            queryset = queryset.order_by("name", "pk")
        return queryset

    def filter_q(self, queryset, name, value):
        words = value.split()[:8]
        for word in words:
            queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_category(self, queryset, name, value):
        # "This category and everything below it" is one prefix match on the path.
        path = Category.objects.filter(slug=value).values("path")[:1]
        return queryset.filter(category__path__startswith=path)

    def filter_price(self, queryset, name, value):
        lookup = "gte" if name == "price_min" else "lte"
        return queryset.filter(currency=shop_currency(), **{f"price__{lookup}": value})

    def filter_in_stock(self, queryset, name, value):
        return queryset.filter(stock__gt=F("reserved")) if value else queryset

    def filter_sort(self, queryset, name, value):
        field = self.SORTS.get(value, self.SORTS["name"])[0]
        return queryset.order_by(field, "pk")


class StaffProductFilter(django_filters.FilterSet):
    STOCK_CHOICES = [("out", _("Out of stock")), ("low", _("Low stock")), ("ok", _("In stock"))]

    q = django_filters.CharFilter(
        max_length=100,
        method="filter_q",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"class": INPUT, "placeholder": _("Name or slug"), "type": "search"}
        ),
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.order_by("path"),
        method="filter_category",
        label=_("Category"),
        empty_label=_("All categories"),
        widget=forms.Select(attrs={"class": INPUT}),
    )
    organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.order_by("name"),
        label=_("Seller"),
        empty_label=_("All sellers"),
        widget=forms.Select(attrs={"class": INPUT}),
    )
    house = django_filters.BooleanFilter(
        field_name="organization",
        lookup_expr="isnull",
        label=_("House store"),
        widget=forms.Select(
            attrs={"class": INPUT},
            choices=[
                ("", _("Any owner")),
                ("true", _("House store")),
                ("false", _("Organizations")),
            ],
        ),
    )
    active = django_filters.BooleanFilter(
        label=_("Active"),
        widget=forms.Select(
            attrs={"class": INPUT},
            choices=[
                ("", _("Active and inactive")),
                ("true", _("Active")),
                ("false", _("Inactive")),
            ],
        ),
    )
    stock_status = django_filters.ChoiceFilter(
        method="filter_stock",
        choices=STOCK_CHOICES,
        label=_("Stock"),
        empty_label=_("Any stock"),
        widget=forms.Select(attrs={"class": INPUT}),
    )

    class Meta:
        model = Product
        fields = ["q", "category", "organization", "house", "active", "stock_status"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(slug__icontains=value))

    def filter_category(self, queryset, name, value):
        return queryset.filter(category__path__startswith=value.path)

    def filter_stock(self, queryset, name, value):
        # Judged on what is available: on hand less what carts and unpaid orders hold.
        queryset = queryset.alias(available_now=F("stock") - F("reserved"))
        if value == "out":
            return queryset.filter(available_now__lte=0)
        if value == "low":
            return queryset.filter(available_now__gt=0, available_now__lte=F("low_stock_threshold"))
        if value == "ok":
            return queryset.filter(available_now__gt=F("low_stock_threshold"))
        return queryset


class StockMovementFilter(django_filters.FilterSet):
    """The stock ledger. It shows movements of goods on hand unless asked for the
    reservations book (cart holds and unpaid orders) or both."""

    ALL_BOOKS = "all"

    ledger = django_filters.ChoiceFilter(
        choices=[*StockMovement.Ledger.choices, (ALL_BOOKS, _("Both"))],
        method="filter_ledger",
        empty_label=None,
        label=_("Book"),
        widget=forms.Select(attrs={"class": INPUT}),
    )
    q = django_filters.CharFilter(
        max_length=100,
        method="filter_q",
        label=_("Product"),
        widget=forms.TextInput(
            attrs={"class": INPUT, "placeholder": _("Product name or slug"), "type": "search"}
        ),
    )
    # Bounded, so a huge number is a form error instead of an integer overflow (a 500).
    product = django_filters.NumberFilter(
        field_name="product_id", widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )
    kind = django_filters.ChoiceFilter(
        choices=StockMovement.Kind.choices,
        label=_("Kind"),
        empty_label=_("Any kind"),
        widget=forms.Select(attrs={"class": INPUT}),
    )
    date_from = django_filters.DateFilter(
        field_name="created",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"class": INPUT, "type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="created",
        lookup_expr="date__lte",
        label=_("To"),
        widget=forms.DateInput(attrs={"class": INPUT, "type": "date"}),
    )

    class Meta:
        model = StockMovement
        fields = ["ledger", "q", "product", "kind", "date_from", "date_to"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("ledger"):
            data["ledger"] = StockMovement.Ledger.MOVEMENT
        super().__init__(data, *args, **kwargs)

    def filter_ledger(self, queryset, name, value):
        return queryset if value == self.ALL_BOOKS else queryset.filter(ledger=value)

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(product__name__icontains=value) | Q(product__slug__icontains=value)
        )
