"""Organizer endpoints, `/api/v1/org/<org_slug>/...`: the organizer pages' scoping rule
(`OrganizationMixin`: not a member → 404), their selectors, FilterSets and services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from events.filters import AttendeeFilter
from events.models import Attendee, Event
from events.selectors import attendees_for_event, events_for_organization
from events.services.checkin import TicketNotFound, ticket_checkin
from events.tables import AttendeeExportTable
from project.core.exports import export_response
from project.organizations.scoping import get_for_organization_or_404
from shop.models import Order
from shop.selectors.orders import orders_for_organization

from . import serializers
from .exceptions import error_body
from .permissions import OrganizationMixin
from .views import PageFilterBackend


class OrganizerView(OrganizationMixin, generics.GenericAPIView):
    scope_area = "organizer"

    def event(self) -> Event:
        return get_for_organization_or_404(
            Event.objects.select_related("organization"),
            organization=self.organization,
            pk=self.kwargs["event_id"],
        )


class OrganizerEventList(OrganizerView, generics.ListAPIView):
    """The organization's events with capacity, tickets sold and checked in."""

    serializer_class = serializers.OrganizerEventSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        return events_for_organization(organization=self.organization)


class OrganizerEventDetail(OrganizerView, generics.RetrieveAPIView):
    serializer_class = serializers.OrganizerEventSerializer

    def get_object(self):
        return get_for_organization_or_404(
            events_for_organization(organization=self.organization),
            organization=self.organization,
            pk=self.kwargs["event_id"],
        )


class AttendeeList(OrganizerView, generics.ListAPIView):
    """An event's attendees, with the attendee page's filters (`q`, `status`,
    `ticket_type`)."""

    serializer_class = serializers.AttendeeSerializer
    filter_backends = [PageFilterBackend]
    filterset_class = AttendeeFilter

    def filterset_extra(self):
        return {"event": self._event}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._event = self.event()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attendee.objects.none()
        return attendees_for_event(event=self._event)


class AttendeeExport(AttendeeList):
    """The attendee list as CSV (the page's export, with its filters)."""

    pagination_class = None

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request, *args, **kwargs):
        table = AttendeeExportTable(self.filter_queryset(self.get_queryset()))
        return export_response(
            table, export_format="csv", name=f"attendees-{self._event.slug[:50]}"
        )


class Checkin(OrganizerView):
    """Check a ticket in at the door, through the check-in page's service: one
    conditional UPDATE, so of simultaneous check-ins of one code exactly one is
    `checked_in` and the others are `already`. An unknown code is a 404."""

    serializer_class = serializers.CheckinSerializer

    @extend_schema(
        request=serializers.CheckinSerializer,
        responses={200: serializers.CheckinResultSerializer},
    )
    def post(self, request, *args, **kwargs):
        event = self.event()
        payload = serializers.CheckinSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            result = ticket_checkin(
                organization=self.organization,
                code=payload.validated_data["code"],
                actor=request.user,
                event=event,
            )
        except TicketNotFound:
            return Response(
                error_body(
                    code="ticket_not_found",
                    message=str(_("No ticket with this code for this organization.")),
                ),
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(serializers.CheckinResultSerializer(result).data)


class OrganizationOrderList(OrganizerView, generics.ListAPIView):
    """Orders with lines the organization sells, each showing only those lines."""

    serializer_class = serializers.OrganizationOrderSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        return orders_for_organization(organization=self.organization)
