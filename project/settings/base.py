"""Base settings, driven by the environment.

With no environment variables at all this gives the embedded default: SQLite, an
in-memory channel layer, a local-memory cache, eager Celery and e-mail to the console plus
the development outbox. `DATABASE_URL` and `REDIS_URL` switch to PostgreSQL and Redis.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# "embedded" or "production"; production refuses demo passwords and enables hardening.
TESSERA_ENV = "embedded"

SECRET_KEY = env("SECRET_KEY", "django-insecure-embedded-default-key-change-me-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")


def _run_url(host: str, port: str) -> str:
    """The development server's own address: `make run HOST=... PORT=...` passes both."""
    if host in {"", "0.0.0.0", "::"}:  # noqa: S104 - listening everywhere; link to loopback
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port or '8000'}"


# The public address in e-mail links, invoices and payment return URLs. Unset, it follows
# the address the development server listens on (HOST and PORT, as `make run` sets them).
SITE_URL = (env("SITE_URL") or _run_url(env("HOST", "127.0.0.1"), env("PORT", "8000"))).rstrip("/")

INSTALLED_APPS = [
    "project.core.apps.TesseraAdminConfig",  # django.contrib.admin with audited views
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django_prometheus",
    "django_htmx",
    "template_partials",
    "crispy_forms",
    "crispy_tailwind",
    "django_tables2",
    "django_countries",
    "phonenumber_field",
    "django_filters",
    "django_ratelimit",
    "csp",
    "channels",
    "allauth",
    "project.accounts.apps.EmailAddressesConfig",  # allauth.account, relabelled
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "captcha",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Tessera
    "project.core",
    "project.accounts",
    "project.organizations",
    "shop",
    "builder",
    "events",
    "support",
    "crm",
    "dashboards",
    "api",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "project.core.middleware.PermissionsPolicyMiddleware",
    # Before sessions and every view: PostgreSQL text cannot hold NUL.
    "project.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the cookie the chooser sets, else the browser's Accept-Language
    # (project/core/language.py writes the cookie on a choice and at sign-in).
    "project.core.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "project.accounts.mfa.MfaRequiredMiddleware",
    # A service's AppError (Busy included) becomes its status and message, never a 500.
    "project.core.middleware.AppErrorMiddleware",
    "project.core.middleware.RequestLogMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"
ASGI_APPLICATION = "project.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "project.accounts.context_processors.roles",
                "project.core.context_processors.site",
                "shop.context_processors.cart",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DATABASE_POOL", False
    ):
        # The ASGI process (daphne) uses psycopg's pool: persistent connections per
        # thread exhaust PostgreSQL under ASGI.
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": env_int("DATABASE_POOL_MAX", 10),
            "timeout": 10,
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer, Celery broker ------------------------------------------
REDIS_URL = env("REDIS_URL")


def _deployment_prefix() -> str:
    """A channel-layer prefix unique to this deployment.

    The pub/sub channel layer ignores the Redis database number, so two deployments on one
    Redis server would otherwise hear each other's groups (`order.<number>`, `support.room.1`).
    The default is derived from the database name and the public URL."""
    import hashlib

    database = str(DATABASES["default"].get("NAME", ""))
    digest = hashlib.sha256(f"{database}|{SITE_URL}".encode()).hexdigest()[:12]
    return f"tessera-{digest}"


CHANNEL_LAYER_PREFIX = env("CHANNEL_LAYER_PREFIX") or _deployment_prefix()
# A hung Redis (stopped, not dead) must cost a bounded wait: the broker and channel-layer
# clients give up on a reply after this many seconds (the cache after 0.5 s).
REDIS_SOCKET_TIMEOUT = float(env("REDIS_SOCKET_TIMEOUT", "1"))
REDIS_SOCKET_CONNECT_TIMEOUT = float(env("REDIS_SOCKET_CONNECT_TIMEOUT", "1"))
# After a Redis error each process answers cache calls from its own memory, and fails
# channel-layer calls at once, for this many seconds before trying Redis again
# (project/core/cache.py, project/core/layers.py).
REDIS_RETRY_SECONDS = float(env("REDIS_RETRY_SECONDS", "5"))


def redis_cache(url: str) -> dict:
    """The default cache on Redis at `url` (also used by the fault tests)."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "tessera",
        "OPTIONS": {
            # A Redis outage must not take pages down, nor turn every rate limit into a
            # refusal: errors are counted and logged, and each process answers from its
            # own memory until Redis is back.
            "CLIENT_CLASS": "project.core.cache.FallbackClient",
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }


def redis_channel_layer(url: str, flavour: str = "pubsub") -> dict:
    """The channel layer on Redis at `url`; its clients time out on a hung server.

    "pubsub" (default) pushes each group message to every process over Redis pub/sub in
    one round trip; "core" queues per channel (with capacity and expiry) and polls."""
    host = {
        "address": url,
        "socket_connect_timeout": REDIS_SOCKET_CONNECT_TIMEOUT,
        # pub/sub reads pass their own short timeout, so this bounds only commands.
        "socket_timeout": REDIS_SOCKET_TIMEOUT,
    }
    if flavour == "core":
        return {
            "BACKEND": "project.core.layers.FailFastRedisChannelLayer",
            "CONFIG": {
                # The core layer blocks up to 5 s in BZPOPMIN: allow for that.
                "hosts": [{**host, "socket_timeout": 5 + REDIS_SOCKET_TIMEOUT}],
                "capacity": env_int("CHANNEL_LAYER_CAPACITY", 1500),
                "expiry": 10,
                "prefix": CHANNEL_LAYER_PREFIX,
            },
        }
    return {
        "BACKEND": "project.core.layers.FailFastPubSubChannelLayer",
        "CONFIG": {"hosts": [host], "prefix": CHANNEL_LAYER_PREFIX},
    }


# The cache may live on its own memory-capped Redis (allkeys-lru), so a flood of cache
# entries evicts cache entries, never queued tasks or channel-layer messages.
CACHE_REDIS_URL = env("CACHE_REDIS_URL") or REDIS_URL
if REDIS_URL:
    CACHES = {"default": redis_cache(CACHE_REDIS_URL)}
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "tessera.cache"
    CHANNEL_LAYER_FLAVOUR = env("CHANNEL_LAYER_FLAVOUR", "pubsub")
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL, CHANNEL_LAYER_FLAVOUR)}
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tessera",
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", "memory://")

# --- Celery ------------------------------------------------------------------------------
# Without a broker every task runs eagerly in the calling process.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_SOCKET_CONNECT_TIMEOUT,
    # Bounds a stalled reply from a hung broker (kombu's connect timeout does not).
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    # One retry, at once: kombu waits 2 s before it by default, inside the request.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BEAT_SCHEDULE = {
    "outbox-redeliver": {"task": "project.core.tasks.outbox_redeliver_stuck", "schedule": 60.0},
}

# --- Auth & allauth ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboards:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "core:landing"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming the sign-up e-mail in the browser that signed up logs that browser in.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Tessera] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")
# allauth's rate limits are on with its defaults (sign-ups 20/min per IP; resets 5/min per
# address), except sign-ins. Per address they have only a generous ceiling (300 logins,
# 60 failed ones a minute): a venue's Wi-Fi or an office behind NAT is one address for
# everyone, and allauth's 30 logins a minute refused most of such a crowd. Its per-account
# limit (5 per 5 minutes) locked the owner out too; failed sign-ins are throttled per account
# *and* address instead, with growing waits and then a CAPTCHA (project/accounts/throttle.py).
# They use the cache, so they are shared by every web process when Redis is configured.
ACCOUNT_RATE_LIMITS = {
    "login": env("LOGIN_IP_RATE_LIMIT", "300/m/ip"),
    "login_failed": env("LOGIN_FAILED_IP_RATE_LIMIT", "60/m/ip"),
}
ACCOUNT_ADAPTER = "project.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "project.accounts.forms.LoginForm",
    "signup": "project.accounts.forms.SignupForm",
    "reset_password": "project.accounts.forms.ResetPasswordForm",
}
# Failed sign-ins for one account from one address before it must wait (2 s, 4 s, 8 s, ...
# up to BOT_MAX_DELAY_SECONDS); failures, sign-ups or reset requests from one address
# within BOT_WINDOW_SECONDS before its forms need a CAPTCHA.
BOT_FREE_ATTEMPTS = env_int("BOT_FREE_ATTEMPTS", 3)
BOT_MAX_DELAY_SECONDS = env_int("BOT_MAX_DELAY_SECONDS", 300)
BOT_CAPTCHA_AFTER = env_int("BOT_CAPTCHA_AFTER", 5)
BOT_WINDOW_SECONDS = env_int("BOT_WINDOW_SECONDS", 3600)
CAPTCHA_IMAGE_SIZE = (120, 40)
CAPTCHA_FONT_SIZE = 28
SOCIALACCOUNT_ADAPTER = "project.accounts.adapters.SocialAccountAdapter"
# Two-factor sign-in (allauth MFA): TOTP apps with recovery codes, offered to everyone and
# required for the roles that refund or read customer data when MFA_REQUIRED_FOR_STAFF is
# on (production's default). TOTP keys are sealed at rest by the adapter.
MFA_ADAPTER = "project.accounts.adapters.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "Tessera")
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", False)
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
GOOGLE_CLIENT_ID = env("GOOGLE_CLIENT_ID")
GOOGLE_CLIENT_SECRET = env("GOOGLE_CLIENT_SECRET")
SOCIALACCOUNT_PROVIDERS = (
    {
        "google": {
            "APPS": [{"client_id": GOOGLE_CLIENT_ID, "secret": GOOGLE_CLIENT_SECRET, "key": ""}],
            "SCOPE": ["profile", "email"],
        }
    }
    if GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET
    else {}
)

# --- E-mail ------------------------------------------------------------------------------
EMAIL_URL = env("EMAIL_HOST")
if EMAIL_URL:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = EMAIL_URL
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
else:
    # Console + the development outbox page at /dev/outbox/.
    EMAIL_BACKEND = "project.core.mail.ConsoleOutboxBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Tessera <no-reply@tessera.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
DEV_OUTBOX_ENABLED = env_bool("DEV_OUTBOX_ENABLED", False)

# --- I18N, static, media -----------------------------------------------------------------
# URL paths carry no language prefix: the language comes from the cookie set by the chooser
# (and by signing in, from the profile), else from the browser's Accept-Language.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("vi", "Tiếng Việt"),
    ("ru", "Русский"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "tessera_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
# The site's zone: times of things that have no zone of their own, and the default zone of
# organizations (and so of their events, which show times in their own zone).
TIME_ZONE = env("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
# One 24-hour clock everywhere ("19:45"): project/formats/en overrides the locale's formats;
# project/formats/vi adds the thousands grouping Django's vi lacks, project/formats/kk the
# module Django has not got. Numbers are grouped by `intcomma` and `floatformat:"g"`, never
# globally (USE_THOUSAND_SEPARATOR would group primary keys in templates).
FORMAT_MODULE_PATH = ["project.formats"]
DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "tailwind"
CRISPY_TEMPLATE_PACK = "tailwind"
DJANGO_TABLES2_TEMPLATE = "components/table.html"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Real time ---------------------------------------------------------------------------
WS_ALLOWED_ORIGINS = env_list("WS_ALLOWED_ORIGINS")
# WebSocket tokens (profile page, `manage.py ws_token`) expire after this many days;
# single-use tickets (POST /account/token/ticket/) after this many seconds.
WS_TOKEN_MAX_AGE_DAYS = env_int("WS_TOKEN_MAX_AGE_DAYS", 30)
WS_TICKET_SECONDS = env_int("WS_TICKET_SECONDS", 60)
# Incoming text frames longer than this close the socket with 1009 (message too big).
WS_MAX_FRAME_CHARS = env_int("WS_MAX_FRAME_CHARS", 65536)

# --- Health check ------------------------------------------------------------------------
# /healthz answers within this many seconds, naming any check that did not finish.
HEALTHZ_TIMEOUT_SECONDS = float(env("HEALTHZ_TIMEOUT_SECONDS", "2"))
# Besides loopback, the addresses or networks (CIDR) that see the checks' error text.
HEALTHZ_DETAIL_ALLOWED_IPS = env_list("HEALTHZ_DETAIL_ALLOWED_IPS")

# --- Security headers --------------------------------------------------------------------
# Content-Security-Policy (django-csp): scripts and styles only from our own static files;
# an inline <script> must carry nonce="{{ request.csp_nonce }}". Inline event handlers,
# style attributes, hx-on and eval are refused. CSP_REPORT_ONLY=true reports instead of
# blocking, to try a change on a running site.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP
# Features no page uses are switched off; the check-in scanner uses this site's camera.
PERMISSIONS_POLICY = {
    "camera": "(self)",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
    "usb": "()",
    "serial": "()",
    "bluetooth": "()",
    "magnetometer": "()",
    "gyroscope": "()",
    "accelerometer": "()",
    "browsing-topics": "()",
}

# --- Metrics -----------------------------------------------------------------------------
# /metrics answers a Prometheus scraper that sends `Authorization: Bearer <METRICS_TOKEN>`,
# or a client from METRICS_ALLOWED_IPS (loopback by default); everyone else gets 403.
METRICS_TOKEN = env("METRICS_TOKEN")
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")

# --- Locks -------------------------------------------------------------------------------
# A request waits at most this long for a row lock (PostgreSQL lock_timeout), then answers
# "busy, try again" with HTTP 503 (project/core/locks.py).
LOCK_TIMEOUT_MS = env_int("LOCK_TIMEOUT_MS", 5000)

# --- Outbox ------------------------------------------------------------------------------
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_STUCK_AFTER_SECONDS = env_int("OUTBOX_STUCK_AFTER_SECONDS", 120)
# A message claimed for sending longer ago than this is presumed lost with its worker.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300)

# --- Logging -----------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOG_FORMAT = env("LOG_FORMAT", "console")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "console": {"format": "%(asctime)s %(levelname)-7s %(name)s %(message)s"},
    },
    "filters": {
        "skip_server_request_lines": {"()": "project.core.middleware.SkipServerRequestLines"},
    },
    "handlers": {
        "default": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["default"], "level": LOG_LEVEL},
    "loggers": {
        # One line per request (tessera.request): the development server's own copy goes,
        # and so does the copy Django's DEBUG console handler would print again.
        "django.channels.server": {
            "handlers": ["default"],
            "filters": ["skip_server_request_lines"],
            "propagate": False,
        },
        "django.db.backends": {"level": "INFO"},
        "daphne": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Static files come straight from the finders unless collectstatic has run (production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = not (BASE_DIR / "staticfiles").exists()

# --- Shop --------------------------------------------------------------------------------
SHOP_HOLD_MINUTES = env_int("SHOP_HOLD_MINUTES", 15)
# Cart views renew a hold, but never past this many minutes after the line first held.
SHOP_HOLD_MAX_MINUTES = env_int("SHOP_HOLD_MAX_MINUTES", 30)
# Guests hold for a shorter time, and at most this many tickets: sign in for more.
SHOP_GUEST_HOLD_MINUTES = env_int("SHOP_GUEST_HOLD_MINUTES", 5)
SHOP_GUEST_MAX_UNITS = env_int("SHOP_GUEST_MAX_UNITS", 2)
SHOP_ORDER_EXPIRY_MINUTES = env_int("SHOP_ORDER_EXPIRY_MINUTES", 30)
SHOP_MAX_HOLDS_PER_USER = env_int("SHOP_MAX_HOLDS_PER_USER", 20)
# A deployment sells in one currency. SHOP_DEFAULT_CURRENCY is its older name, still read.
SHOP_CURRENCY = (env("SHOP_CURRENCY") or env("SHOP_DEFAULT_CURRENCY") or "VND").strip().upper()
SHOP_DEFAULT_CURRENCY = SHOP_CURRENCY
# The site's country (ISO 3166): with the active language it picks the CLDR locale that
# formats money (ru + KZ -> ru_KZ "12 500 ₸"; vi + VN -> vi_VN "1.250.000 ₫").
# Unset, it follows the currency: a tenge shop is in Kazakhstan, a dollar one in the US, any
# other in Vietnam.
SITE_COUNTRY = (
    (env("SITE_COUNTRY") or {"KZT": "KZ", "USD": "US"}.get(SHOP_CURRENCY, "VN")).strip().upper()
)
# Where pickup orders are collected: shown at checkout, on the order page and the invoice.
SHOP_PICKUP_LOCATION = (
    env("SHOP_PICKUP_LOCATION")
    or "Tessera store, 12 Lê Lợi, Bến Nghé, District 1, Ho Chi Minh City · Mon–Sat 9:00–18:00"
)
SHOP_CACHE_SECONDS = env_int("SHOP_CACHE_SECONDS", 300)
# List pages past this one are rendered on every request instead of cached.
SHOP_CACHE_MAX_PAGE = env_int("SHOP_CACHE_MAX_PAGE", 5)
# Staff hear that a product runs low at most once per this many hours.
SHOP_LOW_STOCK_ALERT_HOURS = env_int("SHOP_LOW_STOCK_ALERT_HOURS", 24)
VNPAY_TMN_CODE = env("VNPAY_TMN_CODE")
VNPAY_HASH_SECRET = env("VNPAY_HASH_SECRET")
VNPAY_PAYMENT_URL = env("VNPAY_PAYMENT_URL")
VNPAY_API_URL = env("VNPAY_API_URL")
VNPAY_TIMEOUT_SECONDS = env_int("VNPAY_TIMEOUT_SECONDS", 10)
# The mock provider (local sandbox page) is on in the embedded default and tests;
# production turns it off unless PAYMENTS_MOCK_ENABLED says otherwise.
PAYMENTS_MOCK_ENABLED = env_bool("PAYMENTS_MOCK_ENABLED", True)

# --- Rate limits (django-ratelimit; allauth has its own) ----------------------------------
RATELIMIT_VIEW = "project.core.views.ratelimited"
# Searches (`q=` on the shop, the events and the staff lists), per user or address.
SEARCH_RATE_LIMIT = env("SEARCH_RATE_LIMIT", "60/m")  # per account or session
# Per address: many visitors can share one (see project/core/ratelimit.py).
SEARCH_IP_RATE_LIMIT = env("SEARCH_IP_RATE_LIMIT", "600/m")
RATELIMIT_USE_CACHE = "default"
CELERY_BEAT_SCHEDULE.update(
    {
        "shop-hold-expire": {"task": "shop.tasks.hold_expire_overdue", "schedule": 60.0},
        "shop-order-expire": {"task": "shop.tasks.order_expire_overdue", "schedule": 60.0},
        "events-finish-overdue": {"task": "events.finish_overdue", "schedule": 900.0},
    }
)
if not REDIS_URL:
    # The embedded default runs one process, so the local-memory cache is shared enough.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Behind a reverse proxy (nginx in docker-compose) the client address is in the forwarded
# headers; rate limits must key on it, not on the proxy's address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
    RATELIMIT_IP_META_KEY = "project.core.ratelimit.client_ip"

# --- Support chat ------------------------------------------------------------------------
# A socket that receives nothing for this long is closed with a system message.
SUPPORT_IDLE_SECONDS = env_int("SUPPORT_IDLE_SECONDS", 300)
SUPPORT_MESSAGE_MAX_LENGTH = env_int("SUPPORT_MESSAGE_MAX_LENGTH", 2000)
# Per user, across rooms and processes: at most SUPPORT_RATE_LIMIT messages in any
# SUPPORT_RATE_LIMIT_SECONDS (a moving window, project/core/rate_limits.py).
SUPPORT_RATE_LIMIT = env_int("SUPPORT_RATE_LIMIT", 10)
SUPPORT_RATE_LIMIT_SECONDS = env_int("SUPPORT_RATE_LIMIT_SECONDS", 10)
# Per user: rooms opened by connecting to a new slug, at most SUPPORT_ROOM_CREATE_LIMIT in
# any SUPPORT_ROOM_CREATE_SECONDS.
SUPPORT_ROOM_CREATE_LIMIT = env_int("SUPPORT_ROOM_CREATE_LIMIT", 5)
SUPPORT_ROOM_CREATE_SECONDS = env_int("SUPPORT_ROOM_CREATE_SECONDS", 3600)
# A customer who is not connected gets at most one "new reply" e-mail per room this often.
SUPPORT_MISSED_REPLY_MINUTES = env_int("SUPPORT_MISSED_REPLY_MINUTES", 10)

# Phone numbers (django-phonenumber-field): stored in E.164; a number typed without a
# country code is read as Vietnamese. Shown by project/accounts/addresses.py.
PHONENUMBER_DEFAULT_REGION = "VN"
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "E164"

# --- HTTP API (/api/v1/) ------------------------------------------------------------------
# Django REST framework: personal tokens (Bearer) or the session with CSRF; one error
# shape; cursor pagination; limits per token. Schema at /api/schema/, docs at /api/docs/.
API_RATE_LIMIT = env("API_RATE_LIMIT", "300/m")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ScopePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tessera API",
    "DESCRIPTION": (
        "The shop, events, orders and back-office data of Tessera. Authenticate with a "
        "personal API token from your profile page: `Authorization: Bearer tsr_...`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "shop.models.Order.Status",
        "EventStatusEnum": "events.models.Event.Status",
        "TicketStatusEnum": "events.models.Attendee.Status",
    },
}
