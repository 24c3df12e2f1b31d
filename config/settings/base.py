"""Settings for every environment, read from environment variables.

Production runs with `DEBUG` off (the default), where `SECRET_KEY`, `ALLOWED_HOSTS` and
`JASAN_ENCRYPTION_KEYS` are required and have no defaults. Development (`DEBUG=true`, which
`make run` sets) gets working defaults for this machine. Every variable read here is listed in
README.md. The Content-Security-Policy (`csp.py`) and logging (`logs.py`) live in modules of their
own, imported here.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import defaults
from config.settings.csp import CONTENT_SECURITY_POLICY  # noqa: F401 - a setting
from config.settings.env import REQUIRED, env_bool, env_int, env_list, env_str
from config.settings.logs import LOG_LEVEL, LOGGING  # noqa: F401 - settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", False)

# Embedded mode is what `make run` falls back to when PostgreSQL or Redis cannot be reached:
# SQLite and in-process tasks, announced on every page. Tests never use it.
EMBEDDED = env_bool("JASAN_EMBEDDED", False)

# Development-only values. They are public, so they are used only when DEBUG is on.
_DEV_SECRET_KEY = "django-insecure-development-only-key-never-used-in-production-0123456789"  # noqa: S105 - DEBUG only  # nosec B105
_DEV_ENCRYPTION_KEY = "ZGV2ZWxvcG1lbnQtb25seS1rZXktbm90LXNlY3JldCE="

SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else REQUIRED)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else REQUIRED
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Field encryption (accounts.encryption): a comma-separated list of Fernet keys, newest first.
# Values are encrypted with the first key and decrypted with any of them, so a new key is put
# in front, `manage.py reencrypt` is run, and then the old key can be dropped.
JASAN_ENCRYPTION_KEYS = env_list(
    "JASAN_ENCRYPTION_KEYS", [_DEV_ENCRYPTION_KEY] if DEBUG else REQUIRED
)
for _index, _key in enumerate(JASAN_ENCRYPTION_KEYS):
    try:
        Fernet(_key)
    except (ValueError, TypeError):
        # The key itself is never echoed back, only its position in the list.
        raise ImproperlyConfigured(
            f"JASAN_ENCRYPTION_KEYS item {_index + 1} is not a valid Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "accounts.apps.SignInConfig",  # allauth.account
    "accounts.apps.SecondFactorConfig",  # allauth.mfa
    "django_celery_beat",
    "csp",
    "accounts",
    "brokers",
    "portfolio",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.NoStoreForSignedInMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION: str | None = "config.wsgi.application"  # the sandbox runs without one

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
                "django.template.context_processors.i18n",
                "config.context_processors.site",
            ],
        },
    },
]

# Database ------------------------------------------------------------------------------------
DATABASES: dict[str, dict[str, Any]]
if EMBEDDED:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / defaults.EMBEDDED_DATABASE_FILE,
        }
    }
else:
    try:
        DATABASES = {
            "default": dict(
                dj_database_url.parse(
                    env_str("DATABASE_URL", defaults.DATABASE_URL),
                    conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
                    conn_health_checks=True,
                )
            )
        }
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is invalid: {exc}") from None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: Celery broker, result backend and the shared cache -------------------------------------
REDIS_URL = env_str("REDIS_URL", defaults.REDIS_URL)
if EMBEDDED:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": BASE_DIR / ".data" / "cache",
        }
    }
else:
    # allauth keeps its rate-limit counters in the default cache, so it must be shared by every
    # web process: hence Redis, not a per-process memory cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "jasan",
        }
    }

# Accounts --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming the address in the browser that signed up signs the user in: no second password
# entry right after the first (allauth does this only within the sign-up's own session).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = "landing"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[자산] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# allauth's defaults throttle failed logins per address and per account ("5/5m/key") and lift
# by themselves after the window: there is no permanent lock a stranger could trigger.

# Optional second factor (TOTP with recovery codes) through allauth's MFA app.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Jasan"
MFA_ADAPTER = "accounts.adapters.MFAAdapter"

# The ports this machine serves the app and the sandbox on (`make run`, the Procfile). Every
# local address below follows from them unless it is set on its own.
WEB_PORT = env_int("WEB_PORT", 8000, minimum=1, maximum=65535)
SANDBOX_PORT = env_int("SANDBOX_PORT", 8001, minimum=1, maximum=65535)
_WEB_URL = f"http://127.0.0.1:{WEB_PORT}"
_SANDBOX_URL = f"http://127.0.0.1:{SANDBOX_PORT}"

# Where users reach the site, for links in e-mails sent outside a request (Celery jobs).
JASAN_SITE_URL = env_str("JASAN_SITE_URL", _WEB_URL)

# Identity verification (accounts.identity): which provider yields a user's CI and Korean name.
IDENTITY_VERIFICATION_BACKEND = env_str(
    "IDENTITY_VERIFICATION_BACKEND", "accounts.identity.SandboxIdentityBackend"
)
IDENTITY_SANDBOX_URL = env_str("IDENTITY_SANDBOX_URL", _SANDBOX_URL + "/sandbox/identity/verify")

# Sessions: a signed-in session ends after SESSION_IDLE_SECONDS without a request and, whatever
# happens, SESSION_ABSOLUTE_SECONDS after sign-in (accounts.middleware.SessionLimitsMiddleware).
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60, minimum=60)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# E-mail ----------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or EMBEDDED
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Jasan <no-reply@jasan.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Internationalisation: Korean first, English available -----------------------------------------
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# Static files ----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or EMBEDDED
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# In development whitenoise serves straight from the app folders, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or EMBEDDED
WHITENOISE_AUTOREFRESH = DEBUG or EMBEDDED

# Celery ----------------------------------------------------------------------------------------
# Redis redelivers a message that was not acknowledged within the visibility timeout. With
# acks_late a task is acknowledged only when it ends, so every time limit and every countdown
# must stay below it, or a long task would run twice.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540, minimum=5)
# The longest countdown a task may ask for when it retries (used by the sync tasks).
CELERY_MAX_COUNTDOWN = CELERY_VISIBILITY_TIMEOUT - CELERY_TASK_TIME_LIMIT - 60
if not CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_SOFT_TIME_LIMIT must be below CELERY_TASK_TIME_LIMIT.")
if CELERY_MAX_COUNTDOWN <= 0:
    raise ImproperlyConfigured(
        "CELERY_TASK_TIME_LIMIT must be at least a minute below CELERY_VISIBILITY_TIMEOUT."
    )

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Attempts of one account sync in all (the first and its retries after transient failures).
SYNC_MAX_ATTEMPTS = env_int("SYNC_MAX_ATTEMPTS", 4, minimum=1, maximum=20)
# Platform calls the nightly sync leaves unspent for "sync now" and link checks: when the
# day's remaining budget minus this cannot cover every account, the least recently active
# users are skipped until the next night.
SYNC_BUDGET_RESERVE = env_int("SYNC_BUDGET_RESERVE", 1000, minimum=0)
# Embedded mode has no broker: tasks run in the calling process.
CELERY_TASK_ALWAYS_EAGER = EMBEDDED
CELERY_TASK_EAGER_PROPAGATES = EMBEDDED

# The open platform (brokers/) ---------------------------------------------------------------
# Every address and credential of the upstream comes from here. The defaults point at the
# sandbox that `make run` starts (brokers/sandbox/), registered with the credentials below.
SANDBOX_ENABLED = env_bool("SANDBOX_ENABLED", DEBUG)
OPENPLATFORM_BASE_URL = env_str("OPENPLATFORM_BASE_URL", _SANDBOX_URL).rstrip("/")
OPENPLATFORM_AUTHORIZE_URL = env_str(
    "OPENPLATFORM_AUTHORIZE_URL", OPENPLATFORM_BASE_URL + "/auth/oauth/v2/authorize"
)
OPENPLATFORM_TOKEN_URL = env_str(
    "OPENPLATFORM_TOKEN_URL", OPENPLATFORM_BASE_URL + "/auth/oauth/v2/token"
)
OPENPLATFORM_REVOKE_URL = env_str(
    "OPENPLATFORM_REVOKE_URL", OPENPLATFORM_BASE_URL + "/auth/oauth/v2/token/revoke"
)
OPENPLATFORM_PORTAL_URL = env_str("OPENPLATFORM_PORTAL_URL", OPENPLATFORM_BASE_URL + "/portal/")
OPENPLATFORM_REDIRECT_URI = env_str("OPENPLATFORM_REDIRECT_URI", _WEB_URL + "/link/callback/")
# Credentials default to the sandbox's development registration only where the sandbox runs;
# in production they must be given (the client refuses to call the platform without them).
_sandbox_default = SANDBOX_ENABLED or DEBUG
OPENPLATFORM_CLIENT_ID = env_str("OPENPLATFORM_CLIENT_ID", "jasan-dev" if _sandbox_default else "")
OPENPLATFORM_CLIENT_SECRET = env_str(
    "OPENPLATFORM_CLIENT_SECRET", "jasan-dev-client-secret" if _sandbox_default else ""
)
OPENPLATFORM_API_KEY = env_str(
    "OPENPLATFORM_API_KEY", "jasan-dev-api-key" if _sandbox_default else ""
)
OPENPLATFORM_COM_ID = env_str("OPENPLATFORM_COM_ID", "F9999")
OPENPLATFORM_SRV_ID = env_str("OPENPLATFORM_SRV_ID", "999")
# Seconds an upstream answer may take to start arriving (connecting gets a fixed 3.05 s). The
# client never retries in-process: transient failures go back to Celery with a delay.
OPENPLATFORM_READ_TIMEOUT = env_int("OPENPLATFORM_READ_TIMEOUT", 20, minimum=1, maximum=120)
# Circuit breaker per broker: open after this many consecutive transient failures, then no
# calls for the cool-down (seconds), then one probe.
OPENPLATFORM_BREAKER_THRESHOLD = env_int("OPENPLATFORM_BREAKER_THRESHOLD", 3, minimum=1)
OPENPLATFORM_BREAKER_COOLDOWN = env_int("OPENPLATFORM_BREAKER_COOLDOWN", 60, minimum=1)
# Upstream calls one user may cause per UTC day (0: no per-user limit). The platform's budget
# is per service (e.g. 50,000 a day), so one user must not be able to spend it.
OPENPLATFORM_USER_DAILY_CALLS = env_int("OPENPLATFORM_USER_DAILY_CALLS", 5000, minimum=0)
# Seconds a balance or portfolio answer is reused per account (0: no cache).
OPENPLATFORM_CACHE_SECONDS = env_int("OPENPLATFORM_CACHE_SECONDS", 45, minimum=0, maximum=300)
# The platform wants the requesting device's IP in every account call. Calls a user triggers
# send theirs; background calls send this one (this installation's public IPv4 address).
OPENPLATFORM_SERVER_IP = env_str("OPENPLATFORM_SERVER_IP", "127.0.0.1")
try:
    if ipaddress.ip_address(OPENPLATFORM_SERVER_IP).version != 4:
        raise ValueError("not IPv4")
except ValueError:
    raise ImproperlyConfigured("OPENPLATFORM_SERVER_IP must be an IPv4 address.") from None

# The sandbox keeps its data in a database of its own, as the real platform would.
SANDBOX_DATABASE_URL = env_str(
    "SANDBOX_DATABASE_URL",
    f"sqlite:///{BASE_DIR / '.data' / 'sandbox-embedded.sqlite3'}"
    if EMBEDDED
    else "postgres:///jasan_sandbox",
)
if SANDBOX_ENABLED:
    INSTALLED_APPS.append("brokers.sandbox")
    DATABASES["sandbox"] = dict(dj_database_url.parse(SANDBOX_DATABASE_URL, conn_max_age=60))
    DATABASE_ROUTERS = ["brokers.sandbox.router.SandboxRouter"]

# Security --------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
if not DEBUG and not EMBEDDED:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe /healthz over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
