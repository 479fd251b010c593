"""Local development: the embedded default with DEBUG on and the development outbox page."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
DEV_OUTBOX_ENABLED = env_bool("DEV_OUTBOX_ENABLED", True)
