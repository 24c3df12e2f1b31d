"""Test settings: base settings, made faster and isolated from a running development stack.

Tests use the real PostgreSQL and Redis, never the embedded fallback.
"""

from __future__ import annotations

import os

# Values only tests use. They are set before base is read, which requires them with DEBUG off.
os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 40)
os.environ.setdefault("JASAN_ENCRYPTION_KEYS", "dGVzdC1rZXktb25lLWZvci1qYXNhbi10ZXN0cy0wMDE=")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
# A Redis database of its own, so a development worker never picks up a test's task.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ["JASAN_EMBEDDED"] = "false"
# The sandbox app is installed as in development, so its admin and models can be tested; its
# test database is made only for tests that ask for the `sandbox` alias. The variable is taken
# back after reading the settings, so that subprocesses checking production settings do not
# inherit it.
_SANDBOX_SWITCHED_ON_HERE = "SANDBOX_ENABLED" not in os.environ
os.environ.setdefault("SANDBOX_ENABLED", "true")

from config.settings.base import *  # noqa: E402, F403

if _SANDBOX_SWITCHED_ON_HERE:
    del os.environ["SANDBOX_ENABLED"]

# Plain HTTP test server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
