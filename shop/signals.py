"""Signals other apps listen to. The shop sends them; it never imports the listeners.

- `order_paid(sender=Order, order=...)`: sent on commit after an order became paid.
- `order_status_changed(sender=Order, order=..., from_status=..., to_status=...)`: sent on
  commit after any status change (the live order panel listens).
"""

from django.dispatch import Signal

order_paid = Signal()
order_status_changed = Signal()
