"""Admin for the catalog and the stock ledger. Saves go through the catalog services, so the
category paths, the stock ledger and the page-cache version stay right."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from project.core.images import image_is_upload, image_validate
from shop.models import Category, Product, StockMovement
from shop.services.catalog import (
    PRODUCT_FIELDS,
    catalog_version_bump,
    category_save,
    product_create,
    product_update,
)
from shop.services.inventory import stock_adjust


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "path", "position")
    search_fields = ("name", "slug")
    list_select_related = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("path",)

    def save_model(self, request, obj, form, change):
        saved = category_save(
            category=obj if change else None,
            name=obj.name,
            slug=obj.slug,
            parent=obj.parent,
            position=obj.position,
        )
        obj.pk, obj.path = saved.pk, saved.path

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        catalog_version_bump()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        catalog_version_bump()


class StockMovementInline(admin.TabularInline):
    model = StockMovement
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("created", "kind", "quantity", "stock_after", "reason", "actor", "order")
    readonly_fields = fields
    ordering = ("-created", "-pk")
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "order")

    def has_add_permission(self, request, obj=None):
        return False


class ProductAdminForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = [
            "organization",
            "category",
            "name",
            "slug",
            "description",
            "price",
            "currency",
            "stock",
            "low_stock_threshold",
            "is_physical",
            "active",
            "image",
        ]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image_is_upload(image):
            image_validate(image)
        return image


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "price", "currency", "stock", "active", "organization")
    list_filter = ("active", "currency", "is_physical", "category", "organization")
    list_editable = ("active",)
    search_fields = ("name", "slug", "description")
    list_select_related = ("category", "organization")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("organization",)
    readonly_fields = ("thumbnail", "created", "updated")
    inlines = [StockMovementInline]
    form = ProductAdminForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "stock" in form.base_fields:
            form.base_fields["stock"].help_text = _(
                "Changing it records a stock adjustment (reason: admin edit)."
            )
        return form

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name] for name in PRODUCT_FIELDS if name in form.cleaned_data
        }
        image = form.cleaned_data.get("image")
        uploaded = image if image and hasattr(image, "content_type") else None
        try:
            if change:
                product = Product.objects.get(pk=obj.pk)
                product_update(
                    product=product,
                    actor=request.user,
                    image=uploaded,
                    clear_image=image is False,
                    **fields,
                )
                new_stock = form.cleaned_data.get("stock")
                if "stock" in form.changed_data and new_stock is not None:
                    stock_adjust(
                        product=product,
                        new_stock=new_stock,
                        reason="Admin edit",
                        actor=request.user,
                    )
            else:
                product = product_create(
                    actor=request.user,
                    stock=form.cleaned_data.get("stock") or 0,
                    image=uploaded,
                    **fields,
                )
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            raise
        obj.pk = product.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        catalog_version_bump()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        catalog_version_bump()


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    """The ledger is append-only: staff read it here and change stock through the services."""

    list_display = (
        "created",
        "product",
        "kind",
        "quantity",
        "stock_after",
        "reason",
        "actor",
        "order",
    )
    list_filter = ("kind",)
    search_fields = ("product__name", "reason", "order__number")
    list_select_related = ("product", "actor", "order")
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
