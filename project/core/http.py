"""Outbound HTTP (VNPAY today; Telegram and price monitoring next): one httpx client
factory, so every call has a connect and a read timeout, names Tessera in its User-Agent
and never follows redirects to wherever the other side points.

Tests fake the other side at the HTTP boundary: a local server (shop/tests/fake_vnpay.py),
or `http_transport_use(httpx.MockTransport(handler))`, which routes every client made
inside the block through `handler` instead of the network.
"""

from __future__ import annotations

import contextlib
import contextvars

import httpx

USER_AGENT = "Tessera/1 (+https://tessera.vn)"
# Connecting should be quick; `timeout` bounds each read, write and pool wait.
CONNECT_TIMEOUT = 5.0

_transport: contextvars.ContextVar[httpx.BaseTransport | None] = contextvars.ContextVar(
    "http_transport", default=None
)


def http_client(*, timeout: float, headers: dict | None = None) -> httpx.Client:
    """A client for one outside service; use it as a context manager."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout)),
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        follow_redirects=False,
        transport=_transport.get(),
    )


@contextlib.contextmanager
def http_transport_use(transport: httpx.BaseTransport):
    """Route the clients made inside the block through `transport` (tests)."""
    token = _transport.set(transport)
    try:
        yield transport
    finally:
        _transport.reset(token)
