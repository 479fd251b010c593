"""Public event URLs (namespace "events"), included at /events/."""

from django.urls import path

from .views import public

app_name = "events"

urlpatterns = [
    path("", public.event_list, name="list"),
    path("my-tickets/", public.my_tickets, name="my_tickets"),
    path("tickets/<str:code>/pdf/", public.ticket_pdf_view, name="ticket_pdf"),
    path("tickets/<str:code>/name/", public.ticket_rename, name="ticket_rename"),
    path("<slug:slug>/", public.event_detail, name="detail"),
    path("<slug:slug>/register/", public.event_register_view, name="register"),
]
