"""Test settings: the same environment switches as base, with fast hashing."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEV_OUTBOX_ENABLED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tasks run in-process in tests, whatever REDIS_URL says (tests that need a real broker
# switch this off themselves).
CELERY_TASK_ALWAYS_EAGER = True

# django-simple-captcha accepts "PASSED" as the answer to any CAPTCHA.
CAPTCHA_TEST_MODE = True

# A composite cart-line kind that lives only in the tests (shop contract tests).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.bundles"]  # noqa: F405
