"""Local development: the embedded default with DEBUG on and the development outbox page."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env_bool

DEBUG = env_bool("DEBUG", True)
DEV_OUTBOX_ENABLED = env_bool("DEV_OUTBOX_ENABLED", True)

# daphne's runserver serves WebSockets in development. It is not an app the WSGI workers
# need: importing it (and twisted) would cost every gunicorn worker's boot.
INSTALLED_APPS = ["daphne", *INSTALLED_APPS]
