import pytest

from .kinds import job_kind_install, job_kind_remove


@pytest.fixture
def job_kind():
    """A kind reporting progress on its lines (`job_kind.reports[ref] = LineProgress(...)`),
    registered for one test."""
    kind = job_kind_install()
    yield kind
    job_kind_remove()
