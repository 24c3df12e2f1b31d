"""Settings are read from the environment and fail loudly; production has no secret defaults."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.settings.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.base",
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "Zq8#vN2!pL5@xR9$wT3%yU7^" + "m" * 10,
    "ALLOWED_HOSTS": "example.com",
    "JASAN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
}


def _run(env_overrides: dict[str, str | None], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "JASAN"))}
    for key in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
        env.pop(key, None)
    env.update({k: v for k, v in env_overrides.items() if v is not None})
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_env_readers_parse_typed_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")

    assert env_bool("X_BOOL") is True
    assert env_int("X_INT", minimum=1) == 42
    assert env_list("X_LIST") == ["a", "b", "c"]
    assert env_str("X_MISSING", "fallback") == "fallback"


@pytest.mark.parametrize(
    ("reader", "value"),
    [(env_bool, "perhaps"), (env_int, "forty"), (env_int, "0"), (env_list, " , ")],
)
def test_env_readers_fail_loudly_on_bad_values(monkeypatch, reader, value):
    monkeypatch.setenv("X_BAD", value)

    with pytest.raises(ImproperlyConfigured, match="X_BAD"):
        reader("X_BAD", minimum=1) if reader is env_int else reader("X_BAD")


def test_a_required_variable_that_is_missing_or_blank_fails(monkeypatch):
    monkeypatch.setenv("X_BLANK", "  ")

    with pytest.raises(ImproperlyConfigured, match="X_BLANK is required"):
        env_str("X_BLANK")


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "JASAN_ENCRYPTION_KEYS"])
def test_production_settings_refuse_to_start_without_each_secret(missing):
    result = _run({**PRODUCTION_ENV, missing: None}, "-c", "import config.settings.base")

    assert result.returncode != 0
    assert f"{missing} is required" in result.stderr


def test_a_malformed_encryption_key_stops_start_up_without_echoing_it():
    result = _run(
        {**PRODUCTION_ENV, "JASAN_ENCRYPTION_KEYS": "not-a-key-secret-value"},
        "-c",
        "import config.settings.base",
    )

    assert result.returncode != 0
    assert "JASAN_ENCRYPTION_KEYS item 1 is not a valid Fernet key" in result.stderr
    assert "not-a-key-secret-value" not in result.stderr


def test_check_deploy_passes_at_warning_level_with_production_settings():
    result = _run(PRODUCTION_ENV, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_celery_time_limits_stay_below_the_redis_visibility_timeout(settings):
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_TIME_LIMIT < settings.CELERY_VISIBILITY_TIMEOUT
    assert settings.CELERY_MAX_COUNTDOWN + settings.CELERY_TASK_TIME_LIMIT < (
        settings.CELERY_VISIBILITY_TIMEOUT
    )
    assert (
        settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        == settings.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS["visibility_timeout"]
        == settings.CELERY_VISIBILITY_TIMEOUT
    )


def test_the_token_logging_libraries_never_log_below_info(settings):
    for name in ("oauthlib", "requests_oauthlib"):
        assert settings.LOGGING["loggers"][name]["level"] == "INFO"


def test_the_readme_documents_every_environment_variable_the_settings_read():
    sources = "".join(
        (ROOT / path).read_text()
        for path in (
            "config/settings/base.py",
            "config/launch.py",
            "accounts/management/commands/seed_demo.py",
        )
    )
    names = set(re.findall(r"env_\w+\(\s*\"([A-Z][A-Z0-9_]+)\"", sources))
    names |= set(re.findall(r"environ\.(?:get|setdefault)\(\"([A-Z][A-Z0-9_]+)\"", sources))
    readme = (ROOT / "README.md").read_text()

    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= names
    undocumented = sorted(n for n in names if f"`{n}`" not in readme)
    assert undocumented == []
