"""Live customer-support chat over WebSockets: rooms, messages, writers and viewers,
hand-offs and missed-reply e-mails."""
