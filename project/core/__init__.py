"""Core plumbing shared by every app: the outbox, the development mailbox, health checks,
WebSocket authentication, structured request logs, the landing page and demo data."""
