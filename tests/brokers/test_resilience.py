"""Backoff, the shared circuit breaker, the budgets and the short cache, on the test Redis."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
import redis
from django.conf import settings

from brokers import codec
from brokers.errors import BUG, CONSENT_REQUIRED, RATE_LIMITED, TRANSIENT, PlatformError
from brokers.records import BalanceSummary, EquityHolding, FundHolding, OtherHolding
from brokers.resilience.backoff import backoff_delay, with_suggested_delay
from brokers.resilience.breaker import CircuitBreaker, CircuitOpen
from brokers.resilience.budgets import DailyBudget, UserBudget
from brokers.resilience.cache import AnswerCache
from brokers.resilience.stores import MemoryStore, RedisStore, default_store
from brokers.upstream import Balance


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)


# --- backoff -----------------------------------------------------------------------------


def test_backoff_doubles_its_ceiling_from_one_second_and_stops_at_thirty():
    ceilings = [backoff_delay(attempt, rand=lambda: 1.0) for attempt in range(1, 9)]

    assert ceilings == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]


def test_backoff_jitter_spreads_delays_over_the_whole_range_above_a_small_floor():
    delays = [backoff_delay(3) for _ in range(500)]

    assert min(delays) >= 0.1
    assert max(delays) <= 4.0
    assert min(delays) < 1.0 < 3.0 < max(delays)
    assert backoff_delay(3, rand=lambda: 0.0) == 0.1


def test_a_transient_error_gets_a_backoff_delay_but_keeps_the_platforms_retry_after():
    bare = with_suggested_delay(PlatformError(TRANSIENT, "x"), attempt=1)
    told = with_suggested_delay(PlatformError(RATE_LIMITED, "x", retry_after=7.0), attempt=5)
    permanent = with_suggested_delay(PlatformError(CONSENT_REQUIRED, "x"), attempt=1)

    assert 0.1 <= bare.retry_after <= 1.0
    assert told.retry_after == 7.0
    assert permanent.retry_after is None


# --- circuit breaker ---------------------------------------------------------------------


def _breaker(clock: Clock, name: str = "diamond") -> CircuitBreaker:
    return CircuitBreaker(name, threshold=3, cooldown=60, clock=clock)


def _fail(breaker: CircuitBreaker) -> None:
    with pytest.raises(PlatformError), breaker.guard():
        raise PlatformError(TRANSIENT, "3600")


def _opened(clock: Clock) -> CircuitBreaker:
    """A breaker whose circuit three transient failures have just opened."""
    breaker = _breaker(clock)
    for _ in range(3):
        _fail(breaker)
    return breaker


def test_three_consecutive_transient_failures_open_the_circuit_for_the_cool_down():
    clock = Clock()
    breaker = _opened(clock)

    clock.now += 59
    with pytest.raises(CircuitOpen) as refused:
        breaker.before_call()

    assert refused.value.kind == TRANSIENT
    assert refused.value.permanent is False
    assert refused.value.retry_after == pytest.approx(1.0)


def test_the_circuit_is_shared_by_every_client_through_redis():
    clock = Clock()
    _opened(clock)

    with pytest.raises(CircuitOpen):
        _breaker(clock).before_call()
    _breaker(clock, "cyber").before_call()  # another broker is not affected


def test_a_success_between_failures_resets_the_count():
    clock = Clock()
    breaker = _breaker(clock)
    _fail(breaker)
    _fail(breaker)
    with breaker.guard():
        pass
    _fail(breaker)
    _fail(breaker)

    assert breaker.failures() == 2
    breaker.before_call()


def test_errors_that_show_the_broker_answered_count_as_success_and_rate_limits_do_not_count():
    breaker = _breaker(Clock())
    _fail(breaker)
    _fail(breaker)
    with pytest.raises(PlatformError), breaker.guard():
        raise PlatformError(RATE_LIMITED, "429")
    assert breaker.failures() == 2

    with pytest.raises(PlatformError), breaker.guard():
        raise PlatformError(CONSENT_REQUIRED, "4006")
    assert breaker.failures() == 0


def test_after_the_cool_down_exactly_one_probe_goes_through_and_its_success_closes_the_circuit():
    clock = Clock()
    breaker = _opened(clock)
    clock.now += 60

    breaker.before_call()  # the probe
    with pytest.raises(CircuitOpen):
        _breaker(clock).before_call()  # a second caller while the probe is out
    breaker.record_success()

    assert breaker.failures() == 0
    _breaker(clock).before_call()


def test_a_failed_probe_opens_the_circuit_for_another_cool_down():
    clock = Clock()
    breaker = _opened(clock)
    clock.now += 61

    _fail(breaker)  # the probe fails

    clock.now += 30
    with pytest.raises(CircuitOpen) as refused:
        breaker.before_call()
    assert refused.value.retry_after == pytest.approx(30.0)


def test_concurrent_callers_after_the_cool_down_get_a_single_probe():
    clock = Clock()
    _opened(clock)
    clock.now += 60
    allowed: list[bool] = []
    barrier = threading.Barrier(8)

    def call() -> None:
        barrier.wait()
        try:
            _breaker(clock).before_call()
            allowed.append(True)
        except CircuitOpen:
            allowed.append(False)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(allowed) == [False] * 7 + [True]


def test_the_breaker_defaults_come_from_settings(settings):
    settings.OPENPLATFORM_BREAKER_THRESHOLD = 5
    settings.OPENPLATFORM_BREAKER_COOLDOWN = 7

    breaker = CircuitBreaker("star")

    assert (breaker.threshold, breaker.cooldown) == (5, 7)


# --- budgets -----------------------------------------------------------------------------


def _utc(day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, tzinfo=datetime.UTC)


def test_the_app_budget_keeps_the_lowest_remaining_count_of_the_utc_day():
    now = _utc(21)
    budget = DailyBudget(now=lambda: now)
    budget.record({"X-RateLimit-Limit-Day": "50000", "X-RateLimit-Remaining-Day": "41000"})
    budget.record({"X-RateLimit-Limit-Day": "50000", "X-RateLimit-Remaining-Day": "40990"})
    budget.record({"X-RateLimit-Limit-Day": "50000", "X-RateLimit-Remaining-Day": "40995"})

    read = DailyBudget(now=lambda: now).read()

    assert (read.day, read.limit, read.remaining) == (datetime.date(2026, 11, 21), 50000, 40990)


def test_the_app_budget_starts_afresh_on_the_next_utc_day_and_ignores_answers_without_headers():
    today = DailyBudget(now=lambda: _utc(21, 23))
    today.record({"X-RateLimit-Remaining-Day": "10"})
    today.record({"Content-Type": "application/json"})
    tomorrow = DailyBudget(now=lambda: _utc(22, 0))

    assert today.read().remaining == 10
    assert today.read().limit is None
    assert tomorrow.read() is None


def test_the_user_budget_refuses_the_call_past_its_limit_until_utc_midnight():
    budget = UserBudget(limit=3, now=lambda: _utc(21, 18))
    for _ in range(3):
        budget.spend(42)

    with pytest.raises(PlatformError) as refused:
        budget.spend(42)

    assert refused.value.kind == RATE_LIMITED
    assert refused.value.permanent is False
    assert refused.value.retry_after == 6 * 60 * 60
    budget.spend(43)  # another user is not affected
    assert budget.used(42) == 4


def test_a_user_budget_of_zero_means_no_limit():
    budget = UserBudget(limit=0)
    for _ in range(20):
        budget.spend(1)

    assert budget.used(1) == 0


# --- short cache -------------------------------------------------------------------------


def _balance() -> Balance:
    summary = BalanceSummary(
        *([Decimal("389165300498")] + [None] * 11)  # cash_balance only
    )
    return Balance(
        summary=summary,
        equities=(
            EquityHolding(
                "KSP",
                "",
                "KR7005930003",
                "삼성전자",
                Decimal(120),
                "SUM",
                Decimal("281764"),
                Decimal("245400"),
                Decimal("-36364"),
                Decimal("-12.90"),
            ),
        ),
        funds=(
            FundHolding(
                None,
                "KRZ500395135",
                "삼성중소형FOCUS증권자1호[주식]",
                Decimal(0),
                Decimal("72329965"),
                Decimal("72329965"),
                datetime.date(2016, 1, 12),
                None,
                None,
                Decimal("-9.58"),
            ),
        ),
        others=(
            OtherHolding(
                "BOND",
                "국민주택1종11-07",
                None,
                Decimal("10000000000"),
                "SUM",
                Decimal("9438000000"),
                Decimal("11584000000"),
                Decimal("22.73"),
            ),
        ),
    )


def test_a_cached_balance_comes_back_equal_with_exact_decimals():
    cache = AnswerCache(seconds=45)
    cache.put("balance", "7", _balance())

    again = cache.get("balance", "7", Balance)

    assert again == _balance()
    assert again.equities[0].earning_rate == Decimal("-12.90")
    assert str(again.equities[0].earning_rate) == "-12.90"


def test_the_cache_holds_json_with_decimals_as_strings_not_pickle():
    AnswerCache(seconds=45).put("balance", "7", _balance())
    keys = list(_redis().scan_iter(match="jasan:brokers:answer:*"))

    raw = _redis().get(keys[0])

    assert raw.startswith('{"summary":{"cash_balance":"389165300498"')
    assert '"val_at_cur":"11584000000"' in raw
    assert 0 < _redis().ttl(keys[0]) <= 45


def test_a_cache_of_zero_seconds_stores_nothing_and_an_unreadable_entry_is_a_miss():
    AnswerCache(seconds=0).put("balance", "7", _balance())
    assert AnswerCache(seconds=45).get("balance", "7", Balance) is None

    default_store().set("answer:v1:balance:8", '{"summary": 1}', 30)
    assert AnswerCache(seconds=45).get("balance", "8", Balance) is None


def test_the_codec_refuses_json_that_does_not_fit_the_record():
    with pytest.raises(codec.CodecError):
        codec.loads(Balance, '{"summary": null, "equities": "x", "funds": [], "others": []}')
    with pytest.raises(codec.CodecError):
        codec.loads(BalanceSummary, '{"cash_balance": "NaN"}')


# --- stores ------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [lambda: default_store(), lambda: MemoryStore()])
def test_both_stores_implement_the_same_operations(make):
    store = make()

    assert store.add("k:add", "1", 30) is True
    assert store.add("k:add", "2", 30) is False
    assert [store.incr("k:n", 30) for _ in range(3)] == [1, 2, 3]
    assert store.set_min("k:min", 10, 30) == 10
    assert store.set_min("k:min", 12, 30) == 10
    assert store.set_min("k:min", 4, 30) == 4
    store.set("k:s", "v", 30)
    store.delete("k:s", "k:add")
    assert store.get("k:s") is None
    assert store.get("k:add") is None


def test_an_unreachable_redis_leaves_every_guard_open_instead_of_failing_calls(caplog):
    store = RedisStore("redis://127.0.0.1:1/0", "jasan:brokers:")
    breaker = CircuitBreaker("diamond", store=store, threshold=1, cooldown=60)

    with pytest.raises(PlatformError) as failed, breaker.guard():
        raise PlatformError(BUG, "x")
    breaker.before_call()
    UserBudget(store=store, limit=1).spend(1)
    UserBudget(store=store, limit=1).spend(1)

    assert failed.value.kind == BUG
    assert AnswerCache(store=store, seconds=45).get("balance", "1", Balance) is None
    assert "redis unavailable" in caplog.text
