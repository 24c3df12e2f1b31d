from __future__ import annotations

from django.apps import AppConfig


class SandboxConfig(AppConfig):
    """The open-platform sandbox. Installed only when ``SANDBOX_ENABLED`` is on."""

    name = "brokers.sandbox"
    label = "sandbox"
    verbose_name = "Open platform sandbox"
    default_auto_field = "django.db.models.BigAutoField"
