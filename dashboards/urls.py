from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:role>/", views.role_dashboard, name="role"),
]
