"""Accounts: the e-mail user, profiles and saved addresses, roles and the WebSocket token."""
