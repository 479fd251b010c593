"""Cart hold and order expiry tasks."""
