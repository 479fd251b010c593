from django.urls import path

from . import language, views

app_name = "core"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("language/", language.language_set, name="language"),
    path("dev/outbox/", views.dev_outbox, name="dev_outbox"),
    path("dev/outbox/<int:pk>/", views.dev_outbox_detail, name="dev_outbox_detail"),
]
