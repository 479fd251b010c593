"""Organizer CRM and seller tools: KPIs, customers, notes, tasks, competitor price
monitoring, repricing, alerts, product upload and tariffs."""
