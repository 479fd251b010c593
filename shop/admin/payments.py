"""Admin for the shop's payments models."""
