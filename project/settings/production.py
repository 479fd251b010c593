"""Production: DEBUG off and the hardening `manage.py check --deploy` asks for.

Everything else comes from the same environment variables as the embedded default.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import EMAIL_URL, SECRET_KEY, env, env_bool, env_int, env_list

TESSERA_ENV = "production"
DEBUG = False

if SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")

# No development defaults (localhost, testserver): links in e-mails are built from the
# request's host, so a site must name the hosts it answers to.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the site's host names (comma-separated).")
# Without an SMTP server every e-mail, password-reset links included, would go to the log.
if not EMAIL_URL:
    raise ImproperlyConfigured("Set EMAIL_HOST (and EMAIL_HOST_USER/PASSWORD) to an SMTP server.")

# Behind nginx, which terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "https")
# Staff, managers, organizers and admins sign in with a TOTP second factor.
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", True)
# No sandbox payments on a real shop unless explicitly wanted (e.g. a staging site).
PAYMENTS_MOCK_ENABLED = env_bool("PAYMENTS_MOCK_ENABLED", False)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LOG_FORMAT = env("LOG_FORMAT", "json")
LOGGING = {**LOGGING}  # noqa: F405
LOGGING["handlers"] = {"default": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False

# nginx is the one trusted proxy in front of the app by default.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
if TRUSTED_PROXY_COUNT:
    ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
    RATELIMIT_IP_META_KEY = "project.core.ratelimit.client_ip"
DEV_OUTBOX_ENABLED = False  # reset links must never be kept for the development mailbox
