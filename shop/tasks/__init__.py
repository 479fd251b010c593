"""Shop Celery tasks (imported here so Celery's autodiscovery finds them)."""

from .catalog import *  # noqa: F403
from .orders import *  # noqa: F403
