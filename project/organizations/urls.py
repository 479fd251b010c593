from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("<slug:org_slug>/", views.dashboard, name="dashboard"),
    path("<slug:org_slug>/settings/", views.settings_edit, name="settings"),
]
