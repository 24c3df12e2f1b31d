"""The mapping from the platform's failed answers to PlatformError kinds."""

from __future__ import annotations

import json
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brokers.errors import (
    ACCOUNT_GONE,
    BUG,
    CONSENT_REQUIRED,
    IDENTITY_MISMATCH,
    INVALID_PAGE,
    KINDS,
    RANGE_EXCEEDED,
    RATE_LIMITED,
    REAUTH_REQUIRED,
    TOO_MANY_RESULTS,
    TRANSIENT,
    UNSUPPORTED,
    ParseError,
    PlatformError,
    error_from_response,
)
from tests.brokers.payloads.errors import (
    ERROR_BODY,
    INVALID_CREDENTIALS_BODY,
    NO_API_KEY_BODY,
    NO_ROUTE_BODY,
    RATE_LIMIT_BODY,
)

CI = "S1V7HGXBV1EPGBJastZf4fQV+eOpOc1pfizByV6UIEEJHM/PF9QKu+PU2OThEog7QmVKSZNibNGg+/k0XB/9jQ=="


def body(code: object, message: str = "error", **extra: object) -> str:
    return json.dumps({"category": "op-exco", "code": code, "message": message, **extra})


# The platform's table of error codes (docs/upstream.md, "Limits and errors"): code, HTTP
# status, kind, permanent.
CODE_TABLE = [
    (2001, 401, REAUTH_REQUIRED, True),
    (2002, 401, REAUTH_REQUIRED, True),
    (2003, 401, REAUTH_REQUIRED, True),
    (2100, 403, REAUTH_REQUIRED, True),
    (3003, 400, BUG, True),
    (3004, 500, TRANSIENT, False),
    (3005, 500, TRANSIENT, False),
    (3006, 500, IDENTITY_MISMATCH, True),
    (3007, 500, IDENTITY_MISMATCH, True),
    (3009, 500, ACCOUNT_GONE, True),
    (3010, 500, ACCOUNT_GONE, True),
    (3011, 500, BUG, True),
    (3012, 500, ACCOUNT_GONE, True),
    (3600, 503, TRANSIENT, False),
    (3999, 500, TRANSIENT, False),
    (4001, 500, ACCOUNT_GONE, True),
    (4003, 500, ACCOUNT_GONE, True),
    (4004, 500, IDENTITY_MISMATCH, True),
    (4005, 500, ACCOUNT_GONE, True),
    (4006, 500, CONSENT_REQUIRED, True),
    (6001, 500, UNSUPPORTED, True),
    (6002, 500, UNSUPPORTED, True),
    (6003, 500, INVALID_PAGE, False),
    (6005, 500, TOO_MANY_RESULTS, True),
    (6006, 500, RANGE_EXCEEDED, True),
    (6007, 500, BUG, True),
    (6008, 500, BUG, True),
    (7000, 400, BUG, True),
]


@pytest.mark.parametrize(("code", "status", "kind", "permanent"), CODE_TABLE)
def test_each_platform_code_maps_to_its_kind(code, status, kind, permanent):
    error = error_from_response(status, body(code))
    assert (error.kind, error.permanent, error.code, error.http_status) == (
        kind,
        permanent,
        code,
        status,
    )


@pytest.mark.parametrize(("code", "status", "kind", "permanent"), CODE_TABLE)
def test_a_known_code_wins_over_the_status_it_came_with(code, status, kind, permanent):
    # Broker errors all come as HTTP 500: only the body tells permanent from transient.
    error = error_from_response(500, body(code))
    assert (error.kind, error.permanent) == (kind, permanent)


def test_the_documented_example_error_body_means_the_account_is_gone():
    error = error_from_response(500, ERROR_BODY)
    assert (error.kind, error.code, error.category, error.permanent) == (
        ACCOUNT_GONE,
        9011,
        "op-exco",
        True,
    )
    assert error.upstream_message == "invalid virtual account number."


@pytest.mark.parametrize(
    ("status", "kind", "permanent"),
    [
        (401, REAUTH_REQUIRED, True),
        (403, REAUTH_REQUIRED, True),
        (429, RATE_LIMITED, False),
        (408, TRANSIENT, False),
        (500, TRANSIENT, False),
        (502, TRANSIENT, False),
        (503, TRANSIENT, False),
        (504, TRANSIENT, False),
        (400, BUG, True),
        (404, BUG, True),
        (405, BUG, True),
        (406, BUG, True),
        (415, BUG, True),
        (505, BUG, True),
        (418, BUG, True),
        (599, TRANSIENT, False),
        (200, BUG, True),
        (302, BUG, True),
    ],
)
def test_a_status_without_a_known_code_maps_by_status(status, kind, permanent):
    error = error_from_response(status, None)
    assert (error.kind, error.permanent, error.code, error.http_status) == (
        kind,
        permanent,
        None,
        status,
    )


@pytest.mark.parametrize(
    ("status", "raw"),
    [
        (401, INVALID_CREDENTIALS_BODY),
        (401, NO_API_KEY_BODY),
        (404, NO_ROUTE_BODY),
    ],
)
def test_gateway_bodies_without_code_fall_back_to_the_status(status, raw):
    error = error_from_response(status, raw)
    assert error.code is None
    assert error.kind == (REAUTH_REQUIRED if status == 401 else BUG)


def test_rate_limit_answer_carries_the_retry_after_seconds():
    error = error_from_response(429, RATE_LIMIT_BODY, {"Retry-After": "120"})
    assert (error.kind, error.permanent, error.retry_after) == (RATE_LIMITED, False, 120.0)
    assert error.upstream_message == "API rate limit exceeded"


def test_retry_after_header_name_is_case_insensitive():
    assert error_from_response(429, None, {"retry-after": " 30 "}).retry_after == 30.0
    assert error_from_response(503, None, {"RETRY-AFTER": "2.5"}).retry_after == 2.5


@pytest.mark.parametrize(
    "headers",
    [
        None,
        {},
        {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"},
        {"Retry-After": "-5"},
        {"Retry-After": "soon"},
        {"X-RateLimit-Remaining-Day": "0"},
    ],
)
def test_rate_limit_without_a_numeric_retry_after_has_no_wait(headers):
    error = error_from_response(429, RATE_LIMIT_BODY, headers)
    assert (error.kind, error.retry_after) == (RATE_LIMITED, None)


@pytest.mark.parametrize(
    "raw",
    [
        "<html><body>502 Bad Gateway</body></html>",
        b"\xff\xfe\x00garbage",
        b"",
        "",
        "null",
        "[3009]",
        '"3009"',
        '{"code": NaN}',
        "{" * 5000,
    ],
)
def test_a_body_that_is_not_a_json_object_falls_back_to_the_status(raw):
    error = error_from_response(502, raw)
    assert (error.kind, error.code, error.http_status) == (TRANSIENT, None, 502)


@pytest.mark.parametrize(
    "raw",
    [
        body("3009"),
        body(" 3009 "),
        '{"code": 3009.0}',
        b'{"code": "3009", "message": "\xea\xb3\x84\xec\xa2\x8c"}',
        {"code": "3009"},
        {"resp": {"respCode": "3009", "respMsg": "계좌 없음"}},
    ],
)
def test_a_code_may_be_a_string_a_number_or_sit_in_the_resp_block(raw):
    error = error_from_response(500, raw)
    assert (error.kind, error.code) == (ACCOUNT_GONE, 3009)


@pytest.mark.parametrize("code", ["abc", True, None, "30 09", [3009], "", "-3009"])
def test_a_code_that_is_not_a_number_is_ignored(code):
    error = error_from_response(503, body(code))
    assert (error.kind, error.code) == (TRANSIENT, None)


def test_an_unknown_code_keeps_the_status_mapping_and_its_number():
    error = error_from_response(500, body(9999))
    assert (error.kind, error.permanent, error.code) == (TRANSIENT, False, 9999)
    assert "9999" in error.message


@pytest.mark.parametrize(
    ("message", "description", "days"),
    [
        ("조회기간을 초과했습니다 (최대 90일)", None, 90),
        ("date range exceeded: max 365 days", None, 365),
        ("date range exceeded, max 31", None, 31),
        ("조회 가능 기간은 최대 3개월입니다", None, 84),
        ("조회기간 1년 초과", None, 365),
        ("20160101~20160720: the window is longer than 92 day(s)", None, 92),
        ("date range exceeded", "최대 60일까지 조회 가능", 60),
        ("date range exceeded", None, None),
        ("date range exceeded 20160101-20170101", None, None),
    ],
)
def test_range_exceeded_takes_the_longest_window_from_the_message(message, description, days):
    error = error_from_response(500, body(6006, message, description=description))
    assert (error.kind, error.max_days) == (RANGE_EXCEEDED, days)


def test_max_days_is_only_read_for_range_exceeded():
    assert error_from_response(500, body(6005, "max 90 days")).max_days is None


def test_message_is_ours_and_never_repeats_the_upstream_text():
    raw = body(4003, f"CI {CI} does not match account 160657695589800099")
    error = error_from_response(500, raw)
    assert CI not in error.message and "160657695589800099" not in error.message
    assert str(error) == error.message
    assert "4003" in error.message


def test_upstream_message_is_kept_for_support_with_identifiers_masked():
    raw = body(4003, f"CI {CI} does not match account 160657695589800099 " + "x " * 200)
    upstream = error_from_response(500, raw).upstream_message
    assert upstream.startswith("CI *** does not match account ***")
    assert "160657695589800099" not in upstream and "S1V7HGXBV1EPGBJ" not in upstream
    assert len(upstream) <= 200


def test_a_category_that_does_not_look_like_one_is_left_out():
    error = error_from_response(500, json.dumps({"category": "op exco <script>", "code": 3009}))
    assert error.category is None
    assert "<script>" not in error.message


def test_platform_errors_survive_pickling_with_all_their_attributes():
    error = error_from_response(429, RATE_LIMIT_BODY, {"Retry-After": "60"})
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes, a round trip)
    assert type(copy) is PlatformError
    assert (copy.kind, copy.retry_after, copy.http_status, copy.message) == (
        RATE_LIMITED,
        60.0,
        429,
        error.message,
    )


def test_parse_errors_are_permanent_bugs_and_survive_pickling():
    error = ParseError("expected a number", path="balanceList.balance.summary.d1")
    assert isinstance(error, PlatformError)
    assert (error.kind, error.permanent, error.code) == (BUG, True, None)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes, a round trip)
    assert type(copy) is ParseError
    assert copy.path == "balanceList.balance.summary.d1"
    assert str(copy) == "expected a number (at balanceList.balance.summary.d1)"


def test_permanence_follows_the_kind_unless_given():
    assert PlatformError(TRANSIENT, "x").permanent is False
    assert PlatformError(ACCOUNT_GONE, "x").permanent is True
    assert PlatformError(TRANSIENT, "x", permanent=True).permanent is True


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown platform error kind"):
        PlatformError("oops", "x")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
bodies = st.one_of(
    st.none(),
    st.binary(max_size=100),
    st.text(max_size=100),
    st.fixed_dictionaries(
        {
            "code": st.one_of(
                st.sampled_from([c for c, *_ in CODE_TABLE]), st.text(max_size=6), json_values
            ),
            "message": st.just(f"secret {CI}"),
            "category": json_values,
        }
    ),
    st.dictionaries(st.text(max_size=10), json_values, max_size=4),
)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=100, max_value=599),
    bodies,
    st.dictionaries(st.sampled_from(["Retry-After", "retry-after", "X-Other"]), st.text()),
)
def test_any_answer_maps_to_a_valid_error_whose_message_is_safe_to_log(status, raw, headers):
    error = error_from_response(status, raw, headers)
    assert error.kind in KINDS
    assert isinstance(error.permanent, bool)
    assert error.http_status == status
    assert "secret" not in error.message and CI not in error.message
    assert error.retry_after is None or error.retry_after >= 0
    assert error.upstream_message is None or CI not in error.upstream_message
