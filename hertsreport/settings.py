"""Settings for hertsreport: one module, driven by environment variables.

Every variable has an embedded default that gives a working site on a laptop
(SQLite, in-memory channel layer, Celery eager, emails written to a folder).
Production (DEBUG off) refuses to start without what it needs.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "embedded-development-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # daphne first: its runserver serves HTTP and websockets in one process.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "crispy_forms",
    "crispy_forms_gds",
    "hertsreport",
    "casework",
    "reports",
    "intelligence",
    "webchat",
    "guidance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "hertsreport.urls"
WSGI_APPLICATION = "hertsreport.wsgi.application"
ASGI_APPLICATION = "hertsreport.asgi.application"

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
                "hertsreport.context_processors.site",
            ],
        },
    }
]

# --- Data -----------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# PostgreSQL connections come from a pool of at most DB_POOL_MAX_SIZE per
# process (0: no pool, one persistent connection per thread). daphne runs
# database work in many threads; persistent per-thread connections once took
# the server past PostgreSQL's 100-connection limit. A connection goes back to
# the pool when each request or websocket handler is done with it; the pool
# replaces broken ones itself, so the per-use health check (a SELECT 1) goes.
DB_POOL_MAX_SIZE = int(os.environ.get("DB_POOL_MAX_SIZE", "8"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and (
    DB_POOL_MAX_SIZE > 0
):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DB_POOL_MAX_SIZE,
        # Waiting longer than this for a free connection is an error (a 500,
        # or a chat message refused and sent again), not an endless queue.
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")


def redis_channel_layer(redis_url: str) -> dict:
    """The channel layer across processes (chat, staff alerts): Redis
    PUBLISH/SUBSCRIBE.

    Each daphne process holds one subscription and Redis pushes every message
    to it, where channels-redis's list-based RedisChannelLayer pops them one
    at a time with four round trips each: at 500 chats that one loop per
    process could not keep up. A killed process's subscriptions end with its
    connection, where RedisChannelLayer keeps its sockets in their groups for
    a day and goes on sending to them. Delivery is at most once, as with
    RedisChannelLayer, and nothing depends on it: a chat message is stored
    and numbered first, and a client asks for what it missed; a staff notice
    is stored, and the queues and dashboard show the same work.
    Pub/Sub channels ignore the database number, so it goes in the prefix:
    two sites on one Redis, on different databases, do not hear each other.
    """
    database = urlparse(redis_url).path.strip("/") or "0"
    return {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [redis_url], "prefix": f"hertsreport-{database}"},
    }


if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "hertsreport.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hertsreport",
        }
    }
    # Sessions read from Redis and fall back to the database: a request that
    # carries a session (every journey page) saves a database round trip.
    SESSION_ENGINE = "hertsreport.sessions"
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery ---------------------------------------------------------------
# Without a broker, tasks run in-process so the embedded site needs no Redis.

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://"  # never used: tasks run in-process
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Our tasks are idempotent, so a worker that dies mid-task hands it back to
# the queue rather than losing it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "casework.tasks.deliver_*": {"queue": "notifications"},
    "casework.tasks.broadcast_*": {"queue": "notifications"},
    "casework.tasks.retry_*": {"queue": "notifications"},
}
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULE = {
    "retry-unsent-emails": {
        "task": "casework.tasks.retry_unsent_emails",
        "schedule": 300.0,
    },
    "alert-overdue-cases": {
        "task": "casework.tasks.alert_overdue_cases",
        "schedule": 60.0,
    },
    "delete-expired-report-drafts": {
        "task": "reports.tasks.delete_expired_drafts",
        "schedule": 3600.0,
    },
    "delete-expired-intelligence-drafts": {
        "task": "intelligence.tasks.delete_expired_drafts",
        "schedule": 3600.0,
    },
    # Set-up links for authenticator apps that expired before an app was set up
    # with them: ended, and in the audit trail.
    "end-expired-setup-links": {
        "task": "casework.tasks.end_expired_setup_links",
        "schedule": 900.0,
    },
    # Warns a quiet person in a web chat, then closes the chat (webchat/timeouts.py).
    "close-idle-chats": {
        "task": "webchat.tasks.close_idle_chats",
        "schedule": 60.0,
    },
}

# --- Auth -----------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# --- Locale ---------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files ---------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# static/build is made by `make` from node_modules: the compiled stylesheet
# and the parts of govuk-frontend that pages load (its script and assets).
STATICFILES_DIRS = [BASE_DIR / "static" / "src", BASE_DIR / "static" / "build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "hertsreport.storage.HashedStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
GOVUK_FRONTEND_VERSION = "5.8.0"  # must match package.json; a test checks
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_GDS_FRONTEND_VERSION = GOVUK_FRONTEND_VERSION

# --- Email ----------------------------------------------------------------

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Hertfordshire Police <no-reply@report.herts.police.uk>"
)

# --- Security -------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "hertsreport.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG:
    # TLS ends in front of nginx, which passes X-Forwarded-Proto on.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # /healthz is probed over plain HTTP inside the compose network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content Security Policy: nothing from other origins; the two inline scripts
# of the GOV.UK page template carry a per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Logging --------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines carry client addresses; DESIGN.md: the anonymous
        # informant's address must not be logged, so the site's own request
        # log is off and the web server's access log is configured per path.
        "django.server": {"level": "WARNING"},
    },
}

# --- The service ----------------------------------------------------------

# The public address of the site, for links in emails (no request to hand).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

SERVICE_NAME = _("Contact Hertfordshire Police")
FORCE_NAME = _("Hertfordshire Constabulary")

# Web chat's flood limit per websocket: messages (and typing notices) a
# second, and how many may come at once (webchat.consumers.FloodLimit).
CHAT_FLOOD_RATE = float(os.environ.get("CHAT_FLOOD_RATE", "1"))
CHAT_FLOOD_BURST = int(os.environ.get("CHAT_FLOOD_BURST", "8"))
# Threads per daphne process in which chat sockets use the database
# (PostgreSQL); fewer than DB_POOL_MAX_SIZE, which serves Django's own too.
# How long storing a chat message waits at most for its chat, held by other
# work (an agent turning it into a report); then the page sends it again.
CHAT_LOCK_TIMEOUT = float(os.environ.get("CHAT_LOCK_TIMEOUT", "5"))
CHAT_DATABASE_THREADS = int(
    os.environ.get("CHAT_DATABASE_THREADS", str(max(1, DB_POOL_MAX_SIZE - 2)))
)

# Hours from arrival to first review by control-room staff, by case priority
# (1 urgent … 4 low). The public are promised a reply within 48 hours.
CASE_FIRST_REVIEW_HOURS = {1: 1, 2: 4, 3: 24, 4: 48}

# Postcode areas, districts and teams are read on every submission, so each
# process keeps them in memory this long (casework/reference_data.py).
ROUTING_CACHE_SECONDS = int(os.environ.get("ROUTING_CACHE_SECONDS", "60"))

# --- Evidence uploads (casework/uploads.py, casework/scanning.py) -----------
# Files the public send with a report. Never served by URL: they live outside
# STATIC_ROOT, nothing routes MEDIA_URL, and staff will download them through
# an audited view. The web server must not serve this folder either.
EVIDENCE_ROOT = Path(os.environ.get("EVIDENCE_ROOT", MEDIA_ROOT / "evidence"))
EVIDENCE_MAX_FILES = 10  # per report
# Largest file accepted, by kind of file, in bytes.
EVIDENCE_MAX_BYTES = {
    "image": 20 * 1024 * 1024,
    "document": 20 * 1024 * 1024,
    "video": 200 * 1024 * 1024,
}
# Photos are decoded to be re-encoded without metadata; this bounds the memory
# one photo can take (50 MP RGB is about 150 MB) while still taking the 48 MP
# photos of current phone cameras.
EVIDENCE_MAX_IMAGE_PIXELS = 50_000_000
# ClamAV's daemon: a unix socket, or a host and port. Neither set: files are
# stored as "not scanned" (the EICAR test file is still caught, for testing).
# clamd's own StreamMaxLength (25 MB by default) must be raised to at least the
# largest video above, or every bigger file is quarantined unscanned.
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_HOST = os.environ.get("CLAMD_HOST", "")
CLAMD_PORT = int(os.environ.get("CLAMD_PORT", "3310"))
CLAMD_TIMEOUT = float(os.environ.get("CLAMD_TIMEOUT", "60"))

# --- Service information (guidance/: issue 7) -------------------------------
# django.contrib.postgres: full-text and trigram search of service pages on
# PostgreSQL (guidance/selectors.py); harmless on SQLite, which falls back to
# a simpler search. simple_history: the history of every change content
# editors make to pages, categories, departments and synonyms, with reverts.
INSTALLED_APPS += ["django.contrib.postgres", "simple_history"]
# The thank-you after "Is this page useful?" is a one-off message, kept in a
# cookie until the next page shows it (listed on the cookies page).
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# --- Staff side: triage admin, audit, staff security (casework/: issue 5) ----
# The admin is casework's StaffAdminSite (two-factor for every staff login);
# django_otp's TOTP devices are the second factor; django-axes locks an
# account after repeated failed logins. casework.admin_security holds the
# idle timeout for staff sessions.
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = (
    "casework.admin_apps.StaffAdminConfig"
)
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "axes"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE += [
    "casework.admin_security.StaffIdleTimeoutMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one account lock it for 30 minutes, wherever they
# come from (so guessing from many addresses does not help). Only the admin
# login is counted: the public never sign in. Axes keeps the address of each
# failed staff login (hertsreport.ratelimit.client_address, as nginx passes
# it) and no record of successful ones.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Axes suggests also locking by address; a control room shares one address,
# so a few typos there would lock every member of staff out at once.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_ONLY_ADMIN_SITE = True
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "hertsreport.ratelimit.client_address"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# TOTP codes are 6 digits, 30 s apart; one step either side for clock drift.
OTP_TOTP_ISSUER = "Hertfordshire Police staff"
OTP_TOTP_TOLERANCE = 1
# A staff session ends after this long without a request (casework/
# admin_security.py); the public's sessions are not affected.
STAFF_IDLE_TIMEOUT = timedelta(
    minutes=int(os.environ.get("STAFF_IDLE_TIMEOUT_MINUTES", "30"))
)
# A set-up link for a staff member's authenticator app (casework/
# setup_links.py) works once, for this long after a supervisor issues it.
AUTHENTICATOR_SETUP_LINK_VALID_FOR = timedelta(
    hours=int(os.environ.get("AUTHENTICATOR_SETUP_LINK_HOURS", "24"))
)
# How long a reason given to open a restricted record (intelligence, hate
# crime, sensitive) holds for that record before it is asked for again.
AUDIT_REASON_VALID_FOR = timedelta(minutes=30)
# Most rows one CSV export may hold: a bigger export is personal data in bulk.
CASE_EXPORT_MAX_ROWS = 10_000
