from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxConfig(AppConfig):
    """The open-platform sandbox. Installed only when ``SANDBOX_ENABLED`` is on."""

    name = "brokers.sandbox"
    label = "sandbox"
    verbose_name = _("Open platform sandbox")
    default_auto_field = "django.db.models.BigAutoField"
