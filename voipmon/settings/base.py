"""Settings shared by every environment, read from the environment (cookiecutter-django style).

The embedded default needs nothing set: SQLite under the project, Celery eager, files on disk.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY", "voipmon-insecure-development-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
VOIPMON_VERSION = "0.1.0"

INSTALLED_APPS = [
    "apps.accounts.apps.VoipmonAdminConfig",  # django.contrib.admin on a superuser-only site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / ReDoc files served locally, no CDN
    "django_htmx",  # htmx itself as a static file (django_htmx/htmx-2.min.js), no CDN
    "django_celery_beat",
    "apps.core",
    "apps.tenants",
    "apps.users",
    "apps.sensors",
    "apps.cdr",
    "apps.capture",
    "apps.media",
    "apps.legacy",
    "apps.reports",
    "apps.alerts",
    "apps.accounts",
    "apps.demo",
    "apps.live",
    "apps.branding",
    "apps.sharing",
    "apps.browse",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "social_django",
]

MIDDLEWARE = [
    "apps.branding.middleware.BrandHostMiddleware",  # a share host names its tenant before anything else
    "django.middleware.security.SecurityMiddleware",
    "apps.core.security.ContentSecurityPolicyMiddleware",
    "apps.legacy.middleware.ScriptPrefixMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "apps.accounts.middleware.UserLanguageMiddleware",  # after the user is known; the profile's choice wins
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.accounts.middleware.AccountGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.tenants.middleware.ApiSlotMiddleware",
]

ROOT_URLCONF = "voipmon.urls"
WSGI_APPLICATION = "voipmon.wsgi.application"
FORCE_SCRIPT_NAME = env("VOIPMON_SCRIPT_NAME") or None

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
                "apps.accounts.navigation.navigation",
                "apps.branding.context.brand",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'voipmon.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default under concurrent writes (docs/decisions.md): a request's transaction takes the
    # write lock when it begins (IMMEDIATE), so a writer waits up to `timeout` seconds for another instead of
    # failing with "database is locked" when its read lock cannot be upgraded; WAL lets readers run meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"  # the home sends people who may search calls on to the call browser
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "apps.accounts.sso.GoogleOAuth2",
    "apps.accounts.sso.AzureADTenantOAuth2",
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("cs", _("Czech")), ("de", _("German"))]
LOCALE_PATHS = [Path(env("VOIPMON_LOCALE_DIR", str(BASE_DIR / "locale")))]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("VOIPMON_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("VOIPMON_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env("REDIS_CACHE_URL"):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_CACHE_URL")}

# Celery: no broker configured means eager execution (the embedded default needs no Redis).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", None) or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.ApiTokenAuthentication",  # first: a refused token answers 401
        "apps.accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [  # JSON bounded in size and depth before parsing (apps/core/bounds.py)
        "apps.core.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.VoipmonAutoSchema",  # error answers derived per view
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "voipmon REST API",
    "DESCRIPTION": "Call records with SIP and RTP quality, for many tenants.",
    "VERSION": VOIPMON_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PartyEnum": "apps.cdr.models.WHOHANGED_CHOICES",
        "ReportRunStatusEnum": "apps.reports.models.ReportRun.STATUSES",
        # two choice sets named `kind`: media exports keep KindEnum, alert rules get AlertKindEnum
        "KindEnum": "apps.media.models.ExportJob.KIND_CHOICES",
        "AlertKindEnum": "apps.alerts.api.serializers.KIND_CHOICES",
        "StatusEnum": "apps.media.models.ExportJob.STATUS_CHOICES",  # exports and capture uploads share it
    },
    "COMPONENT_SPLIT_REQUEST": True,  # request bodies state what they refuse (minLength of required names)
}

# voipmon's own settings
VOIPMON_LEGACY_MAX_ROWS = int(env("VOIPMON_LEGACY_MAX_ROWS", "100000"))
VOIPMON_LEGACY_SESSION_SECONDS = int(env("VOIPMON_LEGACY_SESSION_SECONDS", str(8 * 3600)))
VOIPMON_LEGACY_AUTH_CACHE_SECONDS = int(env("VOIPMON_LEGACY_AUTH_CACHE_SECONDS", "300"))
VOIPMON_CONTENT_SECURITY_POLICY = env(
    "VOIPMON_CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)
# The call browser's search at a bare /calls/ (the navigation, sign-in, "Reset"): the last day's calls.
VOIPMON_BROWSE_DEFAULT_SEARCH = env("VOIPMON_BROWSE_DEFAULT_SEARCH", "last_days=1")
VOIPMON_JSON_MAX_BYTES = int(env("VOIPMON_JSON_MAX_BYTES", str(1024 * 1024)))  # JSON text refused above this
VOIPMON_CAPTURE_MAX_UPLOAD_BYTES = int(env("VOIPMON_CAPTURE_MAX_UPLOAD_BYTES", str(512 * 1024 * 1024)))
# Live capture (HEP): active-call figures in Redis when configured, else in the database
VOIPMON_LIVE_REDIS_URL = env("VOIPMON_LIVE_REDIS_URL", env("REDIS_CACHE_URL", ""))
VOIPMON_LIVE_STALE_SECONDS = int(env("VOIPMON_LIVE_STALE_SECONDS", "5"))
VOIPMON_LEGACY_LISTING_MAX_LIMIT = int(env("VOIPMON_LEGACY_LISTING_MAX_LIMIT", "10000"))
VOIPMON_API_SLOT_DIR = env("VOIPMON_API_SLOT_DIR", str(BASE_DIR / "var" / "api-slots"))
VOIPMON_DEMO_CAPTURES_DIR = env("VOIPMON_DEMO_CAPTURES_DIR", str(BASE_DIR.parent / "shared" / "captures"))

# People's sign-in (docs/auth.md, "Failed sign-ins"): a lock per (name, address) pair and per address,
# growing delays per name beyond a much higher count; 2FA, the custom login hook, SSO.
VOIPMON_LOGIN_MAX_FAILURES_PER_PAIR = int(env("VOIPMON_LOGIN_MAX_FAILURES_PER_PAIR", "5"))
VOIPMON_LOGIN_MAX_FAILURES_PER_ADDRESS = int(env("VOIPMON_LOGIN_MAX_FAILURES_PER_ADDRESS", "20"))
VOIPMON_LOGIN_LOCK_SECONDS = int(env("VOIPMON_LOGIN_LOCK_SECONDS", "900"))
VOIPMON_LOGIN_SLOW_AFTER_FAILURES_PER_USER = int(env("VOIPMON_LOGIN_SLOW_AFTER_FAILURES_PER_USER", "50"))
VOIPMON_LOGIN_MAX_DELAY_SECONDS = int(env("VOIPMON_LOGIN_MAX_DELAY_SECONDS", "300"))
VOIPMON_LOGIN_USER_WINDOW_SECONDS = int(env("VOIPMON_LOGIN_USER_WINDOW_SECONDS", "86400"))
VOIPMON_LOGIN_KNOWN_ADDRESS_DAYS = int(env("VOIPMON_LOGIN_KNOWN_ADDRESS_DAYS", "30"))
# A req_2fa user's first 2FA enrollment needs a one-time code from an administrator (docs/auth.md).
VOIPMON_2FA_ENROLLMENT_CODE_HOURS = int(env("VOIPMON_2FA_ENROLLMENT_CODE_HOURS", "72"))
VOIPMON_CUSTOM_LOGIN = env("VOIPMON_CUSTOM_LOGIN", "")
OTP_TOTP_ISSUER = "voipmon"
SOCIAL_AUTH_URL_NAMESPACE = "social"
SOCIAL_AUTH_FIELDS_STORED_IN_SESSION = ["tenant"]
SOCIAL_AUTH_GOOGLE_OAUTH2_KEY = env("VOIPMON_GOOGLE_CLIENT_ID", "")
SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET = env("VOIPMON_GOOGLE_CLIENT_SECRET", "")
SOCIAL_AUTH_GOOGLE_OAUTH2_USE_UNIQUE_USER_ID = True
SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_KEY = env("VOIPMON_MICROSOFT_CLIENT_ID", "")
SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_SECRET = env("VOIPMON_MICROSOFT_CLIENT_SECRET", "")
SOCIAL_AUTH_PIPELINE = (
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_uid",
    "apps.accounts.sso.tenant_allowed",
    "apps.accounts.sso.user_for_tenant",
    "social_core.pipeline.social_auth.social_user",
    "social_core.pipeline.social_auth.associate_user",
)

# Every handler redacts passwords (the legacy API carries them in query strings), and the access
# loggers of runserver and gunicorn go through it too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "apps.core.logredact.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        name: {"handlers": ["console"], "level": "INFO", "propagate": False}
        for name in ("django.server", "django.request", "gunicorn.access", "gunicorn.error")
    },
}

# Media (pcaps, recordings, graphs, exports): see docs/decisions.md, "Media".
VOIPMON_MEDIA_MAX_IDS = int(env("VOIPMON_MEDIA_MAX_IDS", "1000"))  # calls in one request or export
VOIPMON_MEDIA_STREAM_MAX_FILES = int(env("VOIPMON_MEDIA_STREAM_MAX_FILES", "20"))  # larger REST bundles: a job
VOIPMON_MEDIA_EXPORT_TTL_SECONDS = int(env("VOIPMON_MEDIA_EXPORT_TTL_SECONDS", str(24 * 3600)))
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "media-exports-purge": {"task": "media.exports_purge", "schedule": 3600.0},
}

# Faults (docs/operations.md): a killed worker's job is delivered again, a restarted database is reconnected
# to, a dead Redis is noticed in a second. Acks after the task, redelivery when the worker is lost, one task
# prefetched at a time; a message whose worker vanished comes back after the visibility timeout.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("VOIPMON_CELERY_VISIBILITY_TIMEOUT", "1800")),
    "unacked_restore_interval": int(env("VOIPMON_CELERY_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
# A running job writes a heartbeat; one silent for this long is taken over by its redelivered message.
VOIPMON_JOB_LEASE_SECONDS = int(env("VOIPMON_JOB_LEASE_SECONDS", "120"))
VOIPMON_JOB_MAX_ATTEMPTS = int(env("VOIPMON_JOB_MAX_ATTEMPTS", "3"))
# Beat publishes again what is queued longer than this (a Redis restarted without persistence loses its queue).
VOIPMON_JOB_REQUEUE_SECONDS = int(env("VOIPMON_JOB_REQUEUE_SECONDS", "900"))
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "capture-uploads-requeue": {"task": "capture.uploads_requeue", "schedule": 60.0},
    "media-exports-requeue": {"task": "media.exports_requeue", "schedule": 60.0},
}
if env("REDIS_CACHE_URL"):
    CACHES["default"]["BACKEND"] = "apps.core.cache.ResilientRedisCache"
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 0.5, "socket_timeout": 1}

# E-mail (share links, reports, alerts) with Django's own names. Without EMAIL_HOST mail is written as
# files under var/mail (the embedded default); with it, mail goes over SMTP. See apps/core/mail.py.
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "voipmon <noreply@localhost>")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = Path(env("VOIPMON_MAIL_DIR", str(BASE_DIR / "var" / "mail")))
# Platform brand, the default for tenants without their own (apps/branding overrides it per tenant).
VOIPMON_BRAND_NAME = env("VOIPMON_BRAND_NAME", "voipmon")
VOIPMON_BRAND_MAIL_FOOTER = env("VOIPMON_BRAND_MAIL_FOOTER", "")
VOIPMON_BRAND_COLOUR = env("VOIPMON_BRAND_COLOUR", "")
VOIPMON_BRAND_SUPPORT = env("VOIPMON_BRAND_SUPPORT", "")
VOIPMON_BRAND_IMAGE_MAX_BYTES = int(env("VOIPMON_BRAND_IMAGE_MAX_BYTES", str(256 * 1024)))
# Share links (apps/sharing, docs/sharing.md): wrong passwords per link and address before a pause
VOIPMON_SHARE_PASSWORD_ATTEMPTS = int(env("VOIPMON_SHARE_PASSWORD_ATTEMPTS", "5"))
VOIPMON_SHARE_PASSWORD_WINDOW_SECONDS = int(env("VOIPMON_SHARE_PASSWORD_WINDOW_SECONDS", "900"))

# Reports (docs/reports.md). Summaries are kept as calls are stored; turning this off is for benchmarks only
# (rebuild afterwards with `manage.py summaries_rebuild`).
VOIPMON_SUMMARY_MAINTENANCE = env_bool("VOIPMON_SUMMARY_MAINTENANCE", True)
VOIPMON_REPORTS_RETRY_SECONDS = int(env("VOIPMON_REPORTS_RETRY_SECONDS", "60"))  # first retry; doubles each time
VOIPMON_REPORTS_MAX_RETRIES = int(env("VOIPMON_REPORTS_MAX_RETRIES", "6"))
VOIPMON_REPORTS_LEASE_SECONDS = int(env("VOIPMON_REPORTS_LEASE_SECONDS", "600"))  # a dead worker's run is free after
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "reports-runs-purge": {"task": "reports.runs_purge", "schedule": 3600.0},
}

# Alerts (docs/alerts.md): a round every minute over the window ending at the current minute (less the lag).
VOIPMON_ALERTS_LAG_SECONDS = int(env("VOIPMON_ALERTS_LAG_SECONDS", "0"))
VOIPMON_ALERTS_MAX_CALL_IDS = int(env("VOIPMON_ALERTS_MAX_CALL_IDS", "100"))  # call ids kept on one event
VOIPMON_ALERTS_RETRY_SECONDS = int(env("VOIPMON_ALERTS_RETRY_SECONDS", "30"))  # first retry; doubles each time
VOIPMON_ALERTS_MAX_RETRIES = int(env("VOIPMON_ALERTS_MAX_RETRIES", "6"))
VOIPMON_ALERTS_WEBHOOK_TIMEOUT = int(env("VOIPMON_ALERTS_WEBHOOK_TIMEOUT", "10"))
VOIPMON_ALERTS_LINK_BASE = env("VOIPMON_ALERTS_LINK_BASE", "http://localhost:8000")  # links to calls in alerts
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "alerts-round": {"task": "alerts.round", "schedule": 60.0},
}
