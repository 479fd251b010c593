from django.urls import path

from shop.views import staff

urlpatterns = [
    path("staff/shop/", staff.staff_shop, name="staff_shop"),
    path("staff/shop/products/", staff.staff_products, name="staff_products"),
    path("staff/shop/products/new/", staff.staff_product_create, name="staff_product_create"),
    path("staff/shop/products/<int:pk>/", staff.staff_product_edit, name="staff_product_edit"),
    path("staff/shop/categories/", staff.staff_categories, name="staff_categories"),
    path("staff/shop/categories/new/", staff.staff_category_create, name="staff_category_create"),
    path("staff/shop/categories/<int:pk>/", staff.staff_category_edit, name="staff_category_edit"),
    path("staff/shop/stock/", staff.staff_stock, name="staff_stock"),
    path("staff/shop/stock/adjust/", staff.staff_stock_adjust, name="staff_stock_adjust"),
]
