"""The HTTP transport: bounded, never sleeping, answers decoded exactly or mapped to errors."""

from __future__ import annotations

import logging
import socket
import time
from decimal import Decimal

import pytest

from brokers.call_log import UPSTREAM_LOGGER, CallInfo
from brokers.errors import BUG, CONSENT_REQUIRED, RATE_LIMITED, TRANSIENT, ParseError, PlatformError
from brokers.openplatform.http import Transport
from brokers.resilience.budgets import DailyBudget
from tests.brokers.scripted import Answer

INFO = CallInfo.for_account("balance", "diamond", "160678007213500001", attempt=1)


def _transport(read_timeout: float = 1) -> Transport:
    return Transport(read_timeout=read_timeout, budget=DailyBudget())


def _post(scripted, transport=None, info=INFO):
    transport = transport or _transport()
    return transport.post_json(
        scripted.url + "/v1/diamond/account/balance/search",
        {"accInfo": {"vtAccNo": "160678007213500001"}, "body": {"korName": "홍길동"}},
        headers={"Authorization": "Bearer secret-token"},
        info=info,
    )


def test_a_json_body_is_sent_as_utf8_json_and_the_answer_decoded_with_exact_decimals(scripted):
    scripted.script = lambda request: Answer(
        200, '{"amount": 3.69827563509E11, "rate": -12.9, "resp": {"respCode": "200"}}'
    )

    answer = _post(scripted)

    [request] = scripted.requests
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Authorization"] == "Bearer secret-token"
    assert request.json()["body"] == {"korName": "홍길동"}
    assert answer["amount"] == Decimal("3.69827563509E11")
    assert answer["rate"] == Decimal("-12.9")


def test_a_platform_error_body_is_mapped_by_its_code_not_its_status(scripted):
    scripted.script = lambda request: Answer(
        500, {"category": "op-exco", "code": 4006, "message": "consent not found."}
    )

    with pytest.raises(PlatformError) as failed:
        _post(scripted)

    assert (failed.value.kind, failed.value.code, failed.value.permanent) == (
        CONSENT_REQUIRED,
        4006,
        True,
    )
    assert failed.value.retry_after is None


def test_a_200_whose_resp_code_is_not_200_is_an_error(scripted):
    scripted.script = lambda request: Answer(
        200, {"resp": {"respCode": "3600", "respMsg": "service unavailable"}}
    )

    with pytest.raises(PlatformError) as failed:
        _post(scripted)

    assert failed.value.kind == TRANSIENT
    assert failed.value.code == 3600


def test_a_cut_off_json_body_is_transient_and_suggests_a_delay(scripted):
    scripted.script = lambda request: Answer(200, '{"balanceList": {"balance": {"summ')

    with pytest.raises(ParseError) as failed:
        _post(scripted)

    assert (failed.value.kind, failed.value.permanent) == (TRANSIENT, False)
    assert failed.value.retry_after > 0


def test_a_json_body_that_breaks_the_contract_stays_a_permanent_bug(scripted):
    scripted.script = lambda request: Answer(200, "[1, 2, 3]")

    with pytest.raises(ParseError) as failed:
        _post(scripted)

    assert (failed.value.kind, failed.value.permanent) == (BUG, True)


def test_a_429_surfaces_at_once_with_the_platforms_retry_after(scripted):
    scripted.script = lambda request: Answer(
        429, {"message": "API rate limit exceeded"}, headers={"Retry-After": "3600"}
    )
    started = time.monotonic()

    with pytest.raises(PlatformError) as failed:
        _post(scripted)

    # urllib3's Retry would have slept for an hour here.
    assert time.monotonic() - started < 2
    assert len(scripted.requests) == 1
    assert (failed.value.kind, failed.value.retry_after) == (RATE_LIMITED, 3600.0)


def test_a_transient_error_without_retry_after_gets_a_backoff_delay_for_its_attempt(scripted):
    scripted.script = lambda request: Answer(503, {"code": 3600, "message": "unavailable"})

    with pytest.raises(PlatformError) as failed:
        _post(scripted, info=CallInfo(service="balance", broker="diamond", attempt=4))

    assert failed.value.kind == TRANSIENT
    assert 0.1 <= failed.value.retry_after <= 8.0
    assert len(scripted.requests) == 1


def test_an_answer_slower_than_the_read_timeout_is_a_transient_error(scripted):
    def slow(handler) -> bool:
        time.sleep(1.5)
        return False

    scripted.script = lambda request: Answer(200, {"resp": {"respCode": "200"}}, before=slow)
    started = time.monotonic()

    with pytest.raises(PlatformError) as failed:
        _post(scripted, _transport(read_timeout=0.5))

    assert time.monotonic() - started < 1.4
    assert failed.value.kind == TRANSIENT
    assert failed.value.retry_after is not None
    assert isinstance(failed.value.__cause__, Exception)


def test_a_body_trickling_in_past_the_deadline_is_cut_off(scripted):
    def trickle(handler) -> bool:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", "500000")
        handler.end_headers()
        try:
            for _ in range(200):
                handler.wfile.write(b" " * 2500)
                handler.wfile.flush()
                time.sleep(0.05)
        except BrokenPipeError:
            pass  # the client gave up, as it should
        return True

    scripted.script = lambda request: Answer(before=trickle)
    transport = _transport(read_timeout=0.2)
    started = time.monotonic()

    with pytest.raises(PlatformError) as failed:
        _post(scripted, transport)

    # Each read waits well under the read timeout, but the whole answer has a deadline.
    assert time.monotonic() - started < transport.deadline + 1.5
    assert failed.value.kind == TRANSIENT


def test_a_refused_connection_is_transient():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there

    with pytest.raises(PlatformError) as failed:
        _transport().post_json(
            f"http://127.0.0.1:{port}/v1/common/member/register/search",
            {},
            headers={},
            info=CallInfo(service="register"),
        )

    assert failed.value.kind == TRANSIENT
    assert failed.value.permanent is False


def test_a_redirect_is_not_followed_but_reported(scripted):
    scripted.script = lambda request: Answer(302, b"", headers={"Location": "http://example.com/"})

    with pytest.raises(PlatformError) as failed:
        _post(scripted)

    assert failed.value.kind == BUG
    assert len(scripted.requests) == 1


def test_the_rate_limit_headers_of_every_answer_feed_the_daily_budget(scripted):
    remaining = iter(["49999", "49997"])
    scripted.script = lambda request: Answer(
        500 if len(scripted.requests) == 2 else 200,
        {"resp": {"respCode": "200"}},
        headers={"X-RateLimit-Limit-Day": "50000", "X-RateLimit-Remaining-Day": next(remaining)},
    )
    transport = _transport()
    _post(scripted, transport)
    with pytest.raises(PlatformError):
        _post(scripted, transport)

    budget = DailyBudget().read()

    assert (budget.limit, budget.remaining) == (50000, 49997)
    assert transport.calls == 2


def test_each_call_writes_exactly_one_line_without_the_token_or_the_account_number(
    scripted, caplog
):
    caplog.set_level(logging.DEBUG)
    scripted.script = lambda request: Answer(200, {"resp": {"respCode": "200", "respMsg": "OK"}})

    _post(scripted)

    lines = [r.getMessage() for r in caplog.records if r.name == UPSTREAM_LOGGER]
    assert len(lines) == 1
    assert lines[0].startswith(
        "upstream call broker=diamond service=balance status=200 code=200 duration_ms="
    )
    assert lines[0].endswith("attempt=1 outcome=ok account=**************0001")
    everything = caplog.text
    assert "secret-token" not in everything
    assert "160678007213500001" not in everything
