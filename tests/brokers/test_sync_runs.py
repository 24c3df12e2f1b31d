"""Sync runs as a state machine: conditional transitions, one running run per account, and the
sweeper that fails runs left running."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.utils import timezone

from brokers.errors import PlatformError
from brokers.models import SyncRun
from portfolio.sync import runs
from tests.conftest import tests_database_url as database_url
from tests.portfolio.factories import LinkedAccountFactory
from tests.portfolio.sync_support import wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(alice):
    return LinkedAccountFactory(user=alice)


def state_of(run: SyncRun) -> tuple[str, str]:
    run.refresh_from_db()
    return run.state, run.failure_kind


def test_a_run_goes_from_queued_to_running_to_succeeded_with_its_calls(account):
    run = runs.run_queue(account_id=account.pk, trigger="nightly")
    day = datetime.date(2026, 11, 20)

    assert runs.run_start(run_id=run.pk, as_of=day) is True
    runs.run_succeed(run_id=run.pk, calls_used=3, detail={"holdings": 20})

    run.refresh_from_db()
    assert (run.state, run.as_of, run.calls_used, run.detail) == (
        "succeeded",
        day,
        3,
        {"holdings": 20},
    )
    assert run.started_at <= run.finished_at


def test_a_second_run_of_a_busy_account_is_skipped_as_already_running(account, alice):
    first = runs.run_queue(account_id=account.pk, trigger="nightly")
    second = runs.run_queue(account_id=account.pk, trigger="user")
    other = runs.run_queue(account_id=LinkedAccountFactory(user=alice).pk, trigger="user")

    assert runs.run_start(run_id=first.pk) is True
    assert runs.run_start(run_id=second.pk) is False
    assert runs.run_start(run_id=other.pk) is True

    assert state_of(second) == ("skipped", "already_running")
    assert state_of(other) == ("running", "")


def test_transitions_happen_only_from_the_state_they_leave(account):
    run = runs.run_queue(account_id=account.pk, trigger="user")
    assert runs.run_fail(run_id=run.pk, kind="transient", calls_used=1) is False  # not running
    runs.run_start(run_id=run.pk)
    # A redelivered message finds its run already started.
    assert runs.run_start(run_id=run.pk) is False
    assert runs.run_fail(run_id=run.pk, kind="transient", calls_used=1) is True
    assert runs.run_skip(run_id=run.pk, kind="budget") is False
    with pytest.raises(runs.ClaimLost):
        runs.run_succeed(run_id=run.pk, calls_used=1, detail={})
    assert state_of(run) == ("failed", "transient")


def test_a_platform_failure_keeps_our_message_and_the_platform_code(account):
    run = runs.run_queue(account_id=account.pk, trigger="user")
    runs.run_start(run_id=run.pk)
    error = PlatformError(
        "consent_required",
        "no data-provision consent found (platform code 4006, HTTP 500)",
        code=4006,
        upstream_message="정보제공 동의가 만료되었습니다 160678007213500001",
    )

    runs.run_fail_platform(run_id=run.pk, error=error, calls_used=1)

    run.refresh_from_db()
    assert (run.failure_kind, run.platform_code, run.calls_used) == ("consent_required", 4006, 1)
    assert run.message == "no data-provision consent found (platform code 4006, HTTP 500)"


def test_the_sweeper_fails_runs_left_running_past_the_time_limit_and_frees_the_account(account):
    now = timezone.now()
    hung = runs.run_queue(account_id=account.pk, trigger="nightly")
    runs.run_start(run_id=hung.pk)
    SyncRun.objects.filter(pk=hung.pk).update(started_at=now - runs.stale_after() - HOUR)
    lost = runs.run_queue(account_id=LinkedAccountFactory(user=account.user).pk, trigger="user")
    SyncRun.objects.filter(pk=lost.pk).update(created_at=now - runs.queued_stale_after() - HOUR)
    fresh = runs.run_queue(account_id=account.pk, trigger="user")

    assert runs.runs_sweep_stale(now=now) == 2
    assert runs.runs_sweep_stale(now=now) == 0

    assert state_of(hung) == ("failed", "stale")
    assert state_of(lost) == ("failed", "stale")
    assert state_of(fresh) == ("queued", "")
    assert runs.run_start(run_id=fresh.pk) is True


def test_the_latest_run_of_each_account_is_one_query_away(
    account, alice, django_assert_num_queries
):
    second = LinkedAccountFactory(user=alice)
    runs.run_queue(account_id=account.pk, trigger="nightly")
    newest = runs.run_queue(account_id=account.pk, trigger="user")
    only = runs.run_skipped(account_id=second.pk, trigger="nightly", kind="budget")

    with django_assert_num_queries(1):
        latest = list(SyncRun.objects.for_user(alice).latest_per_account().order_by("account_id"))

    assert latest == [newest, only]
    assert only.message == "the day's platform call budget was kept for more recently active users"


HOUR = datetime.timedelta(hours=1)


# --- a worker that dies holding its run ----------------------------------------------------


@contextmanager
def worker_holding(run: SyncRun) -> Iterator[psycopg.Connection]:
    """Another database session, as a worker's, that started `run` and holds its lock until
    it is closed (as a killed process's session is)."""
    with psycopg.connect(database_url(), autocommit=True) as session:
        backend = session.info.backend_pid
        session.execute("SELECT pg_advisory_lock(%s)", [runs._lock_key(run.pk)])
        SyncRun.objects.filter(pk=run.pk).update(
            state="running", started_at=timezone.now(), detail={runs.HELD: True}
        )
        yield session
    # The server ends the session (and drops its locks) a moment after the client is gone.
    with psycopg.connect(database_url(), autocommit=True) as probe:
        wait_for(
            lambda: (
                not probe.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [backend]
                ).fetchone()
            ),
            timeout=10,
            what="the dead worker's session to end",
        )


def test_a_run_whose_worker_is_alive_is_neither_swept_nor_taken_over(account):
    run = runs.run_queue(account_id=account.pk, trigger="user")

    with worker_holding(run):
        assert runs.runs_sweep_stale() == 0
        assert runs.run_start(run_id=run.pk) is False  # a duplicate delivery: superseded

        assert state_of(run) == ("running", "")


def test_the_redelivered_task_takes_over_a_run_whose_worker_died_as_its_next_attempt(account):
    run = runs.run_queue(account_id=account.pk, trigger="user")
    with worker_holding(run):
        pass  # the worker is killed: its session ends, and its lock with it

    assert runs.run_start(run_id=run.pk) is True

    run.refresh_from_db()
    assert (run.state, run.attempt) == ("running", 2)
    assert run.detail == {"held": True, "taken_over": True}
    assert runs.runs_sweep_stale() == 0  # held by this process now
    runs.run_succeed(run_id=run.pk, calls_used=2, detail={"holdings": 1})
    assert state_of(run) == ("succeeded", "")


def test_a_run_whose_worker_died_is_closed_by_the_next_sweep_and_frees_the_account(account):
    run = runs.run_queue(account_id=account.pk, trigger="nightly")
    with worker_holding(run):
        pass

    assert runs.runs_sweep_stale() == 1

    assert state_of(run) == ("failed", "interrupted")
    assert run.finished_at is not None
    assert run.message == "the worker carrying out the sync stopped"
    assert runs.run_start(run_id=run.pk) is False  # a late redelivery finds it finished
    following = runs.run_queue(account_id=account.pk, trigger="user")
    assert runs.run_start(run_id=following.pk) is True
