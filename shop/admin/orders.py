"""Admin for the shop's orders models."""
