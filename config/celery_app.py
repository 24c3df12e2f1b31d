"""The Celery application. Its configuration is the `CELERY_*` block of the Django settings."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("jasan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="jasan.ping")
def ping(value: int) -> dict[str, int]:
    """Round trip used by health checks and tests; costs no upstream call."""
    return {"echo": value, "doubled": value * 2}
