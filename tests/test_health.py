from __future__ import annotations

import pytest

# The 503 case must run while no worker listens on the test broker, so it comes first in this
# module and the worker fixture (module-scoped) is only started by the 200 case.


@pytest.mark.django_db
def test_healthz_answers_503_when_no_celery_worker_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    assert body["checks"]["celery"] == {"ok": False, "workers": 0}


@pytest.mark.django_db
def test_healthz_answers_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {"ok": False, "error": "ConnectionError"}


@pytest.mark.worker
@pytest.mark.django_db
def test_healthz_answers_200_when_database_redis_and_a_worker_answer(client, celery_worker):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["mode"] == "standard"
    assert body["checks"]["database"] == {"ok": True, "vendor": "postgresql"}
    assert body["checks"]["celery"]["workers"] >= 1
