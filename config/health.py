"""`GET /healthz`: is every part this process depends on answering?

It answers 200 only when the database, Redis and at least one Celery worker answer, and 503
otherwise, with the state of each in JSON. Each probe is bounded by a short timeout so a dead
dependency cannot hang the probe itself.
"""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery_app import app as celery_app

PROBE_TIMEOUT_SECONDS = 1.0


def _check_database() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the class name is enough to act on
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def _check_redis() -> dict[str, object]:
    if settings.EMBEDDED:
        return {"ok": True, "detail": "not used in embedded mode"}
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
        socket_timeout=PROBE_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        return {"ok": False, "error": type(exc).__name__}
    finally:
        client.close()
    return {"ok": True}


def _check_celery() -> dict[str, object]:
    if settings.EMBEDDED:
        return {"ok": True, "workers": 0, "detail": "tasks run in-process (embedded mode)"}
    try:
        replies = celery_app.control.ping(timeout=PROBE_TIMEOUT_SECONDS)
    except Exception as exc:  # the broker itself may be down
        return {"ok": False, "workers": 0, "error": type(exc).__name__}
    return {"ok": bool(replies), "workers": len(replies or [])}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": _check_database(),
        "redis": _check_redis(),
        "celery": _check_celery(),
    }
    healthy = all(check["ok"] for check in checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "mode": "embedded" if settings.EMBEDDED else "standard",
        "checks": checks,
    }
    return JsonResponse(body, status=200 if healthy else 503)
