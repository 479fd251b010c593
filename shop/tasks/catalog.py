"""Catalog and inventory tasks. None yet: low-stock alerts go through the outbox, which
has its own delivery task."""

__all__: list[str] = []
