"""Sports events and ticketing: events, ticket types with quotas, attendees with QR and
PDF tickets, and organizer check-in."""
