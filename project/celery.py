"""The Celery application. Configuration comes from Django settings (`CELERY_*`)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.local")

app = Celery("tessera")
# The default for every thread, not only the one that imported it: the app is imported on
# first use, and `shared_task`s sent from another thread (a live test server, a socket's
# worker thread) would otherwise fall back to Celery's unconfigured default app.
app.set_default()
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
