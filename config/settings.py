"""Coaching Cycles settings: one module, driven by environment variables.

Development defaults need no server at all (SQLite, a filesystem broker, mail
to the console). Production sets ``DEBUG=false`` and real values; the secure
settings then switch on by themselves. See README.md, "Configuration".
"""

from __future__ import annotations

import hashlib
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

# Lets generic Django classes be subscripted at run time (ModelAdmin[User], ...).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", "" if not DEBUG else _DEV_SECRET_KEY)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The port the demo's web server listens on (scripts/demo.sh, `make demo`).
PORT = env_int("PORT", 8000, minimum=1)
# Absolute address of the site, for links in e-mails sent by background jobs.
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "plans",
    "coaching",
    "reviews",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages served again from the cache while none of the tables they read changed.
    "accounts.page_cache.PageCacheMiddleware",
    # The person's chosen language, else the cookie's or the browser's (LocaleMiddleware's
    # work too): after the page cache, so that a page served again loads nobody.
    "accounts.middleware.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the site's policy built once per process (accounts/csp.py).
    "accounts.csp.KeptPolicyCSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by the backend into a page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
try:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0)
        )
    }
except ValueError as exc:  # dj-database-url raises ValueError on an unknown scheme
    raise ImproperlyConfigured(f"DATABASE_URL is not usable: {exc}") from None
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool(
    "DB_JIT", False
):
    # PostgreSQL compiles a query to machine code once its *estimated* cost passes
    # jit_above_cost; estimates are far off right after a bulk write (a month's tables),
    # and compiling then took 2-4 s for queries that run in 50 ms (issue 21 §5).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and login ---------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the signed-in person's row from the shared cache.
    "accounts.auth_backend.PersonBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_DAYS", 3, minimum=1) * 24 * 3600

# Repeated failed logins: lock the (address, e-mail) pair for a while.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind N reverse proxies (each appending the address it was called from to
# X-Forwarded-For), the client is the Nth address from the right, as Django REST
# framework's NUM_PROXIES reads it; with none, the connection's own address. What
# a client writes in the header itself is never believed.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_ip"
# The login form posts the e-mail address in the field Django names "username".
AXES_USERNAME_FORM_FIELD = "username"
# Count failures against the normalised address: "ROB@…" and "rob@…" are one account.
AXES_USERNAME_CALLABLE = "accounts.throttle.login_identity"
# Password reset requests per hour, per e-mail address and per client (IP address).
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 3, minimum=1)
PASSWORD_RESET_LIMIT_PER_CLIENT = env_int("PASSWORD_RESET_LIMIT_PER_CLIENT", 10, minimum=1)

# --- Internationalisation -------------------------------------------------
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
]
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
if LANGUAGE_CODE not in {code for code, _name in LANGUAGES}:
    raise ImproperlyConfigured(
        f"LANGUAGE_CODE={LANGUAGE_CODE!r} must be one of: "
        + ", ".join(code for code, _name in LANGUAGES)
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
# One display format per language (config/formats/en, zh_Hans) and ISO date inputs in Chinese.
FORMAT_MODULE_PATH = ["config.formats"]
# The organisation's time zone: months, deadlines and "today" are computed in it.
TIME_ZONE = env_str("TIME_ZONE", "UTC")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE={TIME_ZONE!r} is not a known time zone.") from None
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
except OSError:  # a read-only deployment: collectstatic has made it already
    pass
# Generated files (the worker's export files) go through a named storage, so every node
# reads what any worker wrote: the file system under MEDIA_ROOT on one machine, object
# storage (S3 or compatible, django-storages: `pip install .[s3]`) on several.
FILE_STORAGE = env_str("FILE_STORAGE", "filesystem")
if FILE_STORAGE == "filesystem":
    _FILE_STORAGES: dict[str, dict[str, object]] = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "exports": {"BACKEND": "reviews.file_storage.ExportFileStorage"},
    }
elif FILE_STORAGE == "s3":
    # Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or an instance role), read
    # by boto3 itself; files are private and only ever served through the app's views.
    _S3_OPTIONS: dict[str, object] = {
        "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME", ""),
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
        "default_acl": "private",
        "file_overwrite": False,
    }
    if not _S3_OPTIONS["bucket_name"]:
        raise ImproperlyConfigured("FILE_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    _S3 = "storages.backends.s3.S3Storage"
    _FILE_STORAGES = {
        "default": {"BACKEND": _S3, "OPTIONS": {**_S3_OPTIONS, "location": "media"}},
        "exports": {"BACKEND": _S3, "OPTIONS": {**_S3_OPTIONS, "location": "exports"}},
    }
else:
    raise ImproperlyConfigured(f"FILE_STORAGE={FILE_STORAGE!r}: use filesystem or s3.")
STORAGES = {
    **_FILE_STORAGES,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Without collectstatic (tests, benchmarks) fall back to unhashed names.
WHITENOISE_MANIFEST_STRICT = False
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Organisation import --------------------------------------------------
# Caps checked before a file is parsed: an XLSX is a zip that can inflate a
# thousandfold, and a sheet can claim any size it likes.
ORG_IMPORT_MAX_BYTES = env_int("ORG_IMPORT_MAX_MB", 10, minimum=1) * 1024 * 1024
ORG_IMPORT_MAX_UNPACKED_BYTES = env_int("ORG_IMPORT_MAX_UNPACKED_MB", 40, minimum=1) * 1024 * 1024
ORG_IMPORT_MAX_ROWS = env_int("ORG_IMPORT_MAX_ROWS", 50_000, minimum=1)

# --- Reviews ----------------------------------------------------------------
# A month's review table is due this many days after the month ends.
REVIEW_DEADLINE_DAYS = env_int("REVIEW_DEADLINE_DAYS", 5, minimum=0)

# --- E-mail ---------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Coaching Cycles <coaching@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------
# Without CELERY_BROKER_URL a filesystem broker in var/ needs no server (demo only).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Fail fast when Redis is down instead of blocking the web request.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "visibility_timeout": 3600,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Caches ---------------------------------------------------------------
# One Redis shared by every web and worker process (by default the broker's): sessions
# in front of the database, the navigation and dashboard figures (accounts/data_versions.py)
# and the rate-limit counters. The demo without Redis keeps each in the process's memory.
_BROKER_REDIS = CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
CACHE_URL = env_str("CACHE_URL", _BROKER_REDIS)
RATE_LIMIT_CACHE_URL = env_str("RATE_LIMIT_CACHE_URL", CACHE_URL)
# Whole pages per session, kept as current as the tables they read (accounts/page_cache.py).
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# Organisation-wide aggregates kept while no table they read changed (accounts/table_memo.py).
TABLE_MEMO = env_bool("TABLE_MEMO", True)
_LOCAL_MEMORY_CACHE: dict[str, object] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
}


def _redis_cache(url: str, prefix: str) -> dict[str, object]:
    return {
        # Reads miss and writes drop while Redis is unreachable (accounts/cache_backend.py):
        # everything cached can be recomputed, so a Redis that is down must not hold a page.
        "BACKEND": "accounts.cache_backend.ForgivingRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


# Keys are prefixed with the name of the database they come from: two installations
# (two benchmark organisations, a staging database beside production) sharing one Redis
# database never read each other's sessions, figures, pages or table versions. The name
# only, not the host: a web node through a connection pooler and a worker connecting
# directly are one installation, and must bump and read the same versions.
_database_name = str(DATABASES["default"]["NAME"])
CACHE_KEY_PREFIX = env_str(
    "CACHE_KEY_PREFIX",
    "coaching-" + hashlib.blake2b(_database_name.encode(), digest_size=4).hexdigest(),
)
CACHES: dict[str, dict[str, object]] = {
    "default": _redis_cache(CACHE_URL, CACHE_KEY_PREFIX) if CACHE_URL else _LOCAL_MEMORY_CACHE,
    "ratelimit": (
        _redis_cache(RATE_LIMIT_CACHE_URL, f"{CACHE_KEY_PREFIX}-ratelimit")
        if RATE_LIMIT_CACHE_URL
        else {**_LOCAL_MEMORY_CACHE, "LOCATION": "ratelimit"}
    ),
}

# --- Security -------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Sessions read from the cache and written through to the database, treating a
# malformed cookie as none (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_HTTPS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Every asset is served from our own origin, so 'self' is the whole policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws form controls with SVG data: URIs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- The JSON API and its tokens (issue 19; README "API") ---
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 - a model's name, not a secret
REST_KNOX = {
    "TOKEN_MODEL": "accounts.ApiToken",
    # Personal access tokens live until their owner or HR revokes them.
    "TOKEN_TTL": None,
    "AUTH_HEADER_PREFIX": "Bearer",
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.PersonalTokenAuthentication",
        # The browser, signed in, uses the same endpoints; DRF keeps CSRF for it.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.auth.TokenScope",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_RATE", "600/min")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Coaching Cycles API",
    "DESCRIPTION": (
        "The same people, objectives, coaching sessions and review tables as the pages, "
        "with exactly their permissions. Authenticate with a personal access token "
        "(`Authorization: Bearer YOUR_TOKEN`) made on your profile page."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The viewer's JavaScript and CSS come from our static files (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CycleStateEnum": "plans.models.AppraisalCycle.State",
        "ObjectiveStatusEnum": "plans.models.Objective.Status",
        "ReviewTableStatusEnum": "reviews.models.ReviewTable.Status",
    },
    # Every operation's error answers (problem details), documented once: api/schema.py.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
}

# --- The outbox: everything that leaves (issue 19; README "Outgoing messages") ---
# Django's mail API writes to the outbox; the worker sends through the real server.
OUTBOX_EMAIL_BACKEND = EMAIL_BACKEND
EMAIL_BACKEND = "accounts.outbox.OutboxEmailBackend"
if OUTBOX_EMAIL_BACKEND == EMAIL_BACKEND:
    raise ImproperlyConfigured(
        "EMAIL_BACKEND names the mail server the outbox sends through (e.g. "
        "django.core.mail.backends.smtp.EmailBackend), not the outbox itself."
    )
# "task": after each commit the worker is asked to send (a periodic task sends anyway).
OUTBOX_WAKE = "task"
OUTBOX_EMAIL_RETRY_HOURS = env_int("OUTBOX_EMAIL_RETRY_HOURS", 72, minimum=1)
OUTBOX_WEBHOOK_RETRY_HOURS = env_int("OUTBOX_WEBHOOK_RETRY_HOURS", 24, minimum=1)
# A sender holds the messages it claimed this long; one killed mid-send gives them back then.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300, minimum=10)
OUTBOX_HTTP_TIMEOUT = env_int("OUTBOX_HTTP_TIMEOUT", 10, minimum=1)
# An endpoint is switched off once every attempt has failed for this long, this many times.
OUTBOX_WEBHOOK_DISABLE_AFTER = env_int("OUTBOX_WEBHOOK_DISABLE_AFTER", 15, minimum=1)
OUTBOX_WEBHOOK_DISABLE_AFTER_HOURS = env_int("OUTBOX_WEBHOOK_DISABLE_AFTER_HOURS", 12, minimum=0)
