"""Role dashboards (customer, staff, manager, booster, organizer, admin) and the live order
panel pushed over WebSockets."""
