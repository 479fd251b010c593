"""Tests that need one missing part each, run by tests/test_pieces.py in a pytest subprocess.

The file name does not match `test_*.py`, so the suite itself never collects it."""

import pytest


@pytest.mark.browser
def test_needs_chromium():
    pass


@pytest.mark.postgres
def test_needs_postgres():
    pass


@pytest.mark.services
def test_needs_redis():
    pass


@pytest.mark.needs("pdftoppm")
def test_needs_pdftoppm():
    pass


def test_needs_nothing():
    pass
