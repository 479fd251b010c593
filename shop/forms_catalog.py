"""Staff forms for products, categories and stock counts. Plain forms (not ModelForms), so
validation never mutates the instance: the services do the writing."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from project.core.images import IMAGE_ACCEPT, IMAGE_HELP_TEXT, image_is_upload, image_validate
from project.organizations.models import Organization
from shop.currency import currency_choices, shop_currency
from shop.models import Category, Product

INPUT = {"class": "input"}


# Upper bounds keep numbers inside the database's integer columns (and plausible).
MAX_UNITS = 1_000_000
MAX_POSITION = 10_000


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'— ' * obj.depth}{obj.name}"


class ProductForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name"), widget=forms.TextInput(attrs=INPUT))
    slug = forms.SlugField(
        max_length=200,
        required=False,
        label=_("Slug"),
        widget=forms.TextInput(attrs=INPUT),
        help_text=_("Used in the product's URL. Leave empty to make one from the name."),
    )
    category = CategoryChoiceField(
        queryset=Category.objects.order_by("path"),
        label=_("Category"),
        widget=forms.Select(attrs=INPUT),
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.order_by("name"),
        required=False,
        empty_label=_("House store"),
        label=_("Seller"),
        widget=forms.Select(attrs=INPUT),
    )
    description = forms.CharField(
        required=False, label=_("Description"), widget=forms.Textarea(attrs={**INPUT, "rows": 5})
    )
    price = forms.DecimalField(
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        label=_("Price"),
        widget=forms.NumberInput(attrs={**INPUT, "step": "0.01"}),
    )
    currency = forms.ChoiceField(
        choices=currency_choices,
        initial=shop_currency,
        label=_("Currency"),
        widget=forms.Select(attrs=INPUT),
    )
    stock = forms.IntegerField(
        min_value=0,
        max_value=MAX_UNITS,
        initial=0,
        label=_("Initial stock"),
        widget=forms.NumberInput(attrs=INPUT),
        help_text=_("Later changes go through the stock page, so the ledger records them."),
    )
    low_stock_threshold = forms.IntegerField(
        min_value=0,
        max_value=MAX_UNITS,
        initial=5,
        label=_("Low stock threshold"),
        widget=forms.NumberInput(attrs=INPUT),
        help_text=_("Staff get an e-mail when stock falls to this level."),
    )
    is_physical = forms.BooleanField(
        required=False, initial=True, label=_("Physical item (needs delivery)")
    )
    active = forms.BooleanField(required=False, initial=True, label=_("On sale"))
    image = forms.FileField(
        required=False,
        label=_("Image"),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=IMAGE_HELP_TEXT,
    )

    def __init__(self, *args, product: Product | None = None, **kwargs):
        self.product = product
        if product is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": product.name,
                    "slug": product.slug,
                    "category": product.category_id,
                    "organization": product.organization_id,
                    "description": product.description,
                    "price": product.price,
                    "currency": product.currency,
                    "low_stock_threshold": product.low_stock_threshold,
                    "is_physical": product.is_physical,
                    "active": product.active,
                    "image": product.image or None,
                },
            )
        super().__init__(*args, **kwargs)
        if product is not None:
            del self.fields["stock"]

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("name", ""))[:200]
        if not slug:
            raise ValidationError(_("Give the product a slug (letters, numbers, hyphens)."))
        taken = Product.objects.filter(slug=slug)
        if self.product is not None:
            taken = taken.exclude(pk=self.product.pk)
        if taken.exists():
            raise ValidationError(_("Another product already uses this slug."))
        return slug

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image_is_upload(image):
            image_validate(image)
        return image

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        image = data.pop("image", None)
        kwargs = {**data}
        if image is False:
            kwargs["clear_image"] = True
        elif image and hasattr(image, "content_type"):
            kwargs["image"] = image
        return kwargs


class CategoryForm(forms.Form):
    name = forms.CharField(max_length=100, label=_("Name"), widget=forms.TextInput(attrs=INPUT))
    slug = forms.SlugField(
        max_length=100,
        required=False,
        label=_("Slug"),
        widget=forms.TextInput(attrs=INPUT),
        help_text=_("Leave empty to make one from the name."),
    )
    parent = CategoryChoiceField(
        queryset=Category.objects.order_by("path"),
        required=False,
        empty_label=_("— top level —"),
        label=_("Parent category"),
        widget=forms.Select(attrs=INPUT),
    )
    position = forms.IntegerField(
        min_value=0,
        max_value=MAX_POSITION,
        initial=0,
        label=_("Position"),
        widget=forms.NumberInput(attrs=INPUT),
        help_text=_("Lower comes first among siblings."),
    )

    def __init__(self, *args, category: Category | None = None, **kwargs):
        self.category = category
        if category is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": category.name,
                    "slug": category.slug,
                    "parent": category.parent_id,
                    "position": category.position,
                },
            )
        super().__init__(*args, **kwargs)
        if category is not None:
            # A category cannot move under itself or its descendants.
            self.fields["parent"].queryset = Category.objects.exclude(
                path__startswith=category.path
            ).order_by("path")

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("name", ""))[:100]
        if not slug:
            raise ValidationError(_("Give the category a slug (letters, numbers, hyphens)."))
        taken = Category.objects.filter(slug=slug)
        if self.category is not None:
            taken = taken.exclude(pk=self.category.pk)
        if taken.exists():
            raise ValidationError(_("Another category already uses this slug."))
        return slug


class StockAdjustForm(forms.Form):
    product = forms.ModelChoiceField(
        queryset=Product.objects.order_by("name"), widget=forms.HiddenInput
    )
    new_stock = forms.IntegerField(
        min_value=0,
        max_value=MAX_UNITS,
        label=_("Counted on hand"),
        widget=forms.NumberInput(attrs={**INPUT, "inputmode": "numeric"}),
        help_text=_("Units on the shelf, reserved ones included; the ledger keeps the difference."),
    )
    reason = forms.CharField(
        max_length=255,
        label=_("Reason"),
        widget=forms.TextInput(
            attrs={**INPUT, "placeholder": _("e.g. Stock count 2026-03, damaged unit")}
        ),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why the stock changes."))
        return reason
