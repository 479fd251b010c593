"""The commerce core: catalog, cart, checkout, orders, payments, refunds and invoices.
Everything that can be bought goes through its one cart and one order pipeline."""
