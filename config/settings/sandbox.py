"""Settings of the sandbox process (`manage.py runsandbox`): the open platform's stand-in.

It reads the same environment as the app (base.py) but is another system: it serves only the
sandbox's URLs, keeps everything in the sandbox database (`SANDBOX_DATABASE_URL`, which is both
its `default` and its `sandbox` alias, so it never opens the app's database), and names its
cookies differently from the app's. Browsers share cookies across the ports of one host, so
with the app's names the portal's session would overwrite the app's.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("SANDBOX_ENABLED", "true")

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, SANDBOX_ENABLED
from config.settings.env import env_int, env_str

if not SANDBOX_ENABLED:
    raise ImproperlyConfigured("The sandbox settings need SANDBOX_ENABLED (it is off here).")

ROOT_URLCONF = "brokers.sandbox.urls"
WSGI_APPLICATION = None

INSTALLED_APPS = [
    "django.contrib.messages",
    "brokers.sandbox",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],  # noqa: F405
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csrf",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The sandbox database only. Each request of the threaded server runs in a thread of its own,
# so connections are closed at the end of each request rather than kept per thread.
_sandbox_db = {**DATABASES["sandbox"], "CONN_MAX_AGE": 0}
DATABASES = {"default": dict(_sandbox_db), "sandbox": dict(_sandbox_db)}

# The portal's session lives in a signed cookie: the sandbox needs no session table, and its
# cookie names never collide with the app's `sessionid` / `csrftoken` on the same host.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
SESSION_COOKIE_NAME = "sandbox_sessionid"
CSRF_COOKIE_NAME = "sandbox_csrftoken"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_AGE = 60 * 60
SESSION_SAVE_EVERY_REQUEST = False
LANGUAGE_CODE = "ko"
USE_I18N = False
APPEND_SLASH = False

# The sandbox is a local development tool served over plain HTTP, whatever DEBUG says.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Access tokens live as long as each service's registration says (the platform's 30 days by
# default); a positive value here overrides that for every service, e.g. to watch tokens expire.
SANDBOX_ACCESS_TOKEN_SECONDS = env_int("SANDBOX_ACCESS_TOKEN_SECONDS", 0, minimum=0)
# Tests switch faults and budgets over HTTP with this token; without it there is no such door.
SANDBOX_CONTROL_TOKEN = env_str("SANDBOX_CONTROL_TOKEN", "")
