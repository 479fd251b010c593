"""Fixtures of the API tests: a token with chosen scopes, sent as the Bearer header."""

from __future__ import annotations

import pytest

from api.services import api_token_create


@pytest.fixture
def bearer():
    """`bearer(user, "orders:read", ...)` → the headers that send a new token of `user`."""

    def make(user, *scopes: str) -> dict:
        _, raw = api_token_create(user=user, name="test", scopes=scopes)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make
