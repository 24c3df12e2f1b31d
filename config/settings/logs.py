"""Logging: one plain line per record on the console, tokens never logged by the OAuth libraries."""

from __future__ import annotations

from config.settings.env import env_str

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Local time (TIME_ZONE, Asia/Seoul: Django sets the process's zone) with its offset.
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S%z",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Both libraries log raw access and refresh tokens at DEBUG: keep them at INFO or above
        # whatever LOG_LEVEL says.
        "oauthlib": {"level": "INFO"},
        "requests_oauthlib": {"level": "INFO"},
        "django.db.backends": {"level": "INFO"},
    },
}
