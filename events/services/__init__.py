"""Writes on events, ticket types and tickets: `events` (organizer edits and life cycle),
`tickets` (capacity, issuing, refunds, names, free registration), `checkin`, `cancel`."""
