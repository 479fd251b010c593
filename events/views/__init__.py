"""Event pages: `public` (the list, event pages, registration, the buyer's tickets) and
`organizer` (everything under /org/<org_slug>/events/)."""
