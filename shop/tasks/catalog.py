"""Catalog and inventory tasks."""
