"""Admin for the shop's catalog models."""
