"""Payment providers: the interface and its implementations (mock, VNPAY)."""
