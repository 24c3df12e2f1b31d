from __future__ import annotations

import pytest

from config.celery_app import ping

pytestmark = pytest.mark.worker


def test_a_task_sent_through_redis_is_run_by_a_real_worker(celery_worker):
    result = ping.delay(21)

    assert result.get(timeout=30) == {"echo": 21, "doubled": 42}
    assert result.successful()


def test_the_worker_runs_with_json_acks_late_and_prefetch_one(celery_worker):
    from config.celery_app import app

    conf = app.control.inspect(destination=[celery_worker], timeout=5).conf(with_defaults=True)[
        celery_worker
    ]

    assert conf["worker_prefetch_multiplier"] == 1
    assert conf["task_acks_late"] is True
    assert conf["task_reject_on_worker_lost"] is True
    assert conf["accept_content"] == ["json"]
    assert conf["task_time_limit"] < conf["broker_transport_options"]["visibility_timeout"]
