"""Organizer event URLs (namespace "events_org"), included at /org/<org_slug>/events/."""

from django.urls import path

from .views import organizer as views

app_name = "events_org"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create_view, name="create"),
    path("<int:event_id>/", views.event_detail, name="detail"),
    path("<int:event_id>/edit/", views.event_edit, name="edit"),
    path("<int:event_id>/publish/", views.event_publish_view, name="publish"),
    path("<int:event_id>/finish/", views.event_finish_view, name="finish"),
    path("<int:event_id>/cancel/", views.event_cancel_view, name="cancel"),
    path(
        "<int:event_id>/ticket-types/new/", views.ticket_type_create_view, name="ticket_type_create"
    ),
    path(
        "<int:event_id>/ticket-types/<int:ticket_type_id>/edit/",
        views.ticket_type_edit,
        name="ticket_type_edit",
    ),
    path(
        "<int:event_id>/ticket-types/<int:ticket_type_id>/delete/",
        views.ticket_type_delete_view,
        name="ticket_type_delete",
    ),
    path("<int:event_id>/attendees/", views.attendee_list, name="attendees"),
    path("<int:event_id>/attendees.csv", views.attendee_export, name="attendees_csv"),
    path("<int:event_id>/checkin/", views.checkin, name="checkin"),
]
