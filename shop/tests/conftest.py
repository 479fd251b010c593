"""Fixtures for the shop's tests."""

from decimal import Decimal

import pytest

from shop.tests.kinds import Seat, seat_kind_install, seat_kind_remove


@pytest.fixture
def seat_kind():
    """The seat kind with two workshops, registered for one test."""
    kind = seat_kind_install(
        lubing=Seat(title="Switch lubing workshop", price=Decimal("150000"), available=3),
        soldering=Seat(title="Soldering workshop", price=Decimal("200000"), available=10),
    )
    yield kind
    seat_kind_remove()
