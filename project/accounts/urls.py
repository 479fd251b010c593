from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("addresses/new/", views.address_form, name="address_new"),
    path("addresses/<int:address_id>/", views.address_form, name="address_edit"),
    path("addresses/<int:address_id>/delete/", views.address_delete, name="address_delete"),
    path("token/regenerate/", views.token_regenerate, name="token_regenerate"),
    path("token/ticket/", views.ws_ticket, name="ws_ticket"),
    path("role/", views.role_switch, name="role_switch"),
]
