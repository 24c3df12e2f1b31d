"""The one error family for the open platform, and the mapping from its answers to it.

Every failure the platform client can meet ends up as a `PlatformError` whose `kind` says what
the caller should do about it (re-authorize, send the user to the portal, retry later, fall
back, or alert us). Services decide on the kind; tasks retry only what is not `permanent`.

Everything here is pure: no Django, no I/O, no clock. `message` is written by us from the
mapping table and never carries request data or the upstream's free text, so it is safe to
log; the upstream's own text is kept, shortened and masked, in `upstream_message`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

# What the caller should do. Kept as plain strings so they can be stored in a CharField,
# compared in templates and sent through Celery's JSON serializer unchanged.
REAUTH_REQUIRED = "reauth_required"  # the user must authorize us again (OAuth)
CONSENT_REQUIRED = "consent_required"  # the data-provision consent is missing or expired: portal
ACCOUNT_GONE = "account_gone"  # the linked virtual account no longer resolves: re-link at portal
IDENTITY_MISMATCH = "identity_mismatch"  # the platform does not know this person (CI/DN)
RATE_LIMITED = "rate_limited"  # call budget exhausted: wait `retry_after` if given
TRANSIENT = "transient"  # network, timeout or broker outage: retry with backoff, bounded
BUG = "bug"  # our request or their answer is malformed: alert, do not retry
UNSUPPORTED = "unsupported"  # 6001/6002: the broker does not offer this query; fall back
INVALID_PAGE = "invalid_page"  # 6003: the page key is not accepted; restart from page one
TOO_MANY_RESULTS = "too_many_results"  # 6005: narrow the query (shorter date window)
RANGE_EXCEEDED = "range_exceeded"  # 6006: split the date window (see `max_days`)
CONTRACT = "contract"  # an answer that breaks the contract (another account's): store nothing

KINDS = frozenset(
    {
        REAUTH_REQUIRED,
        CONSENT_REQUIRED,
        ACCOUNT_GONE,
        IDENTITY_MISMATCH,
        RATE_LIMITED,
        TRANSIENT,
        BUG,
        UNSUPPORTED,
        INVALID_PAGE,
        TOO_MANY_RESULTS,
        RANGE_EXCEEDED,
        CONTRACT,
    }
)

# Whether repeating the same work later can succeed without anyone acting. INVALID_PAGE is not
# permanent because repeating a sync starts paging from the first page again, which is the
# remedy; the other "adjust the query" kinds fail the same way until the query changes.
_PERMANENT_BY_KIND: dict[str, bool] = {
    REAUTH_REQUIRED: True,
    CONSENT_REQUIRED: True,
    ACCOUNT_GONE: True,
    IDENTITY_MISMATCH: True,
    RATE_LIMITED: False,
    TRANSIENT: False,
    BUG: True,
    UNSUPPORTED: True,
    INVALID_PAGE: False,
    TOO_MANY_RESULTS: True,
    RANGE_EXCEEDED: True,
    CONTRACT: True,
}


class PlatformError(Exception):
    """A failed exchange with the open platform, classified for the caller.

    Attributes:
        kind: one of the module's kind constants.
        code: the platform's numeric error code, when the answer carried one.
        http_status: the HTTP status of the answer, when there was one.
        message: our own description, safe to log (no request data, no upstream text).
        permanent: True when repeating the same call cannot help until someone acts.
        retry_after: seconds the platform asked us to wait (``Retry-After``), if numeric.
        max_days: for RANGE_EXCEEDED, the longest window in days the broker named, if any.
        category: where the platform says the error arose (``op-apim``, ``op-exco``, a broker).
        upstream_message: the platform's own text, shortened and with long digit runs and
            token-like strings masked; for support and debugging, not for end users.
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        code: int | None = None,
        http_status: int | None = None,
        permanent: bool | None = None,
        retry_after: float | None = None,
        max_days: int | None = None,
        category: str | None = None,
        upstream_message: str | None = None,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown platform error kind: {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.code = code
        self.http_status = http_status
        self.permanent = _PERMANENT_BY_KIND[kind] if permanent is None else permanent
        self.retry_after = retry_after
        self.max_days = max_days
        self.category = category
        self.upstream_message = upstream_message

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickling an exception re-calls __init__ with `args`, which would lose the keyword-only
        # attributes (and fail for subclasses with another signature). Restore the state as is.
        return (_restore, (type(self), self.args, dict(self.__dict__)))

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(kind={self.kind!r}, code={self.code!r}, "
            f"http_status={self.http_status!r}, permanent={self.permanent!r}, "
            f"message={self.message!r})"
        )


class ParseError(PlatformError):
    """An answer we cannot understand. Always our problem to fix, so never retried.

    `path` names the place in the payload (field names and list indexes only, never values),
    for example ``balanceList.balance.etcList[3].valueAtCur``.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        full = f"{message} (at {path})" if path else message
        super().__init__(BUG, full, permanent=True)
        self.path = path


class BodyNotJSON(ParseError):
    """An answer body that is not JSON at all: cut off on the way, almost always, so it is
    transient (a later attempt gets the whole body). A body that is JSON but breaks the
    contract stays a permanent `ParseError`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.kind = TRANSIENT
        self.permanent = False


class ContractError(PlatformError):
    """An answer that is well formed but not an answer to what we asked (another account's):
    permanent, nothing of it is stored, and support sees the kind."""

    def __init__(self, message: str) -> None:
        super().__init__(CONTRACT, message)


def _restore(cls: type[PlatformError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


# Platform codes from its table of error bodies and codes (docs/upstream.md, "Limits and
# errors"): code → (kind, what it means in our words). 9011 comes from the platform's own
# example error body ("invalid virtual account number."), which is the account-gone case.
_CODES: dict[int, tuple[str, str]] = {
    2001: (REAUTH_REQUIRED, "portal user authentication failed"),
    2002: (REAUTH_REQUIRED, "portal one-time password invalid"),
    2003: (REAUTH_REQUIRED, "portal account locked after too many attempts; unlock at the portal"),
    2100: (REAUTH_REQUIRED, "service permission (authorization) failed"),
    3003: (BUG, "request is missing a required field"),
    3004: (TRANSIENT, "network error towards the broker"),
    3005: (TRANSIENT, "timeout towards the broker"),
    3006: (IDENTITY_MISMATCH, "no user for this certificate DN"),
    3007: (IDENTITY_MISMATCH, "no user for this CI"),
    3009: (ACCOUNT_GONE, "account not found"),
    3010: (ACCOUNT_GONE, "account closed"),
    3011: (BUG, "malformed request"),
    3012: (ACCOUNT_GONE, "account not found"),
    3600: (TRANSIENT, "broker service unavailable"),
    3999: (TRANSIENT, "unknown platform error"),
    4001: (ACCOUNT_GONE, "account not found"),
    4003: (ACCOUNT_GONE, "CI and account do not match"),
    4004: (IDENTITY_MISMATCH, "CI not found"),
    4005: (ACCOUNT_GONE, "CI and DN do not match"),
    4006: (CONSENT_REQUIRED, "no data-provision consent found"),
    6001: (UNSUPPORTED, "asset type not supported by this broker"),
    6002: (UNSUPPORTED, "response type not supported by this broker"),
    6003: (INVALID_PAGE, "invalid page key"),
    6005: (TOO_MANY_RESULTS, "too many results"),
    6006: (RANGE_EXCEEDED, "date range exceeded"),
    6007: (BUG, "invalid ISIN in request"),
    6008: (BUG, "invalid side in request"),
    7000: (BUG, "malformed request"),
    9011: (ACCOUNT_GONE, "invalid virtual account number"),
}

# Gateway answers that carry no platform code: the status is the error code.
_STATUSES: dict[int, tuple[str, str]] = {
    400: (BUG, "bad request"),
    401: (REAUTH_REQUIRED, "authentication credentials rejected"),
    403: (REAUTH_REQUIRED, "no permission"),
    404: (BUG, "no route"),
    405: (BUG, "method not allowed"),
    406: (BUG, "not acceptable"),
    408: (TRANSIENT, "gateway timeout"),
    415: (BUG, "unsupported media type"),
    429: (RATE_LIMITED, "rate limit exceeded"),
    500: (TRANSIENT, "server error"),
    502: (TRANSIENT, "bad gateway"),
    503: (TRANSIENT, "service temporarily unavailable"),
    504: (TRANSIENT, "gateway timeout"),
    505: (BUG, "HTTP version not supported"),
}

_CATEGORY_RE = re.compile(r"[A-Za-z0-9_.-]{1,32}", re.ASCII)
_CODE_RE = re.compile(r"[0-9]{1,9}", re.ASCII)
_RETRY_AFTER_RE = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,6})?", re.ASCII)
# "최대 90일", "max 90 days", "최대 3개월", "1 year": a number with a unit of time. A month counts
# as 28 days and a year as 365, so that a window built from them is never too long.
_WINDOW_RE = re.compile(
    r"(?<![0-9])([0-9]{1,5})\s*(일|개월|년|days?\b|months?\b|years?\b)", re.IGNORECASE
)
_DAYS_PER_UNIT = {"일": 1, "day": 1, "개월": 28, "month": 28, "년": 365, "year": 365}
# Without a unit, the smallest short number: longer runs are dates (20160101) or identifiers,
# and a window that is too small costs calls while one that is too large fails again.
_SHORT_NUMBER_RE = re.compile(r"(?<![0-9])([0-9]{1,4})(?![0-9])")
_LONG_DIGITS_RE = re.compile(r"[0-9]{6,}")
_TOKEN_RE = re.compile(r"[A-Za-z0-9+/=_-]{16,}")
_UPSTREAM_MESSAGE_LIMIT = 200


def error_from_response(
    http_status: int,
    body: bytes | str | Mapping[str, Any] | None,
    headers: Mapping[str, str] | None = None,
) -> PlatformError:
    """Classify a failed answer by its body's platform code, else by its HTTP status.

    Broker-side errors arrive as HTTP 500 with a JSON body, so a known code in the body wins
    over the status. The body may be JSON text, bytes, an already decoded object, HTML from a
    proxy, or nothing: none of these makes the mapping itself fail.
    """
    data = _body_as_mapping(body)
    code = _body_code(data)
    category = _body_category(data)
    upstream = _body_text(data, "message") or _body_text(_resp_block(data), "respMsg")
    description = _body_text(data, "description")
    retry_after = _retry_after(headers)

    if code is not None and code in _CODES:
        kind, meaning = _CODES[code]
        message = f"{meaning} (platform code {code}, HTTP {http_status})"
    elif http_status in _STATUSES:
        kind, meaning = _STATUSES[http_status]
        message = f"{meaning} (HTTP {http_status})"
        if code is not None:
            message = f"{meaning} (unknown platform code {code}, HTTP {http_status})"
    elif 400 <= http_status < 500:
        kind = BUG
        message = f"unexpected client error (HTTP {http_status})"
    elif 500 <= http_status < 600:
        kind = TRANSIENT
        message = f"unexpected server error (HTTP {http_status})"
    else:
        # A success or redirect status handed in as an error means the answer was not what the
        # contract promises; retrying will not change that.
        kind = BUG
        message = f"unexpected answer (HTTP {http_status})"
    if category is not None:
        message = f"{message} [{category}]"

    max_days = None
    if kind == RANGE_EXCEEDED:
        max_days = _max_days(upstream) or _max_days(description)

    return PlatformError(
        kind,
        message,
        code=code,
        http_status=http_status,
        retry_after=retry_after,
        max_days=max_days,
        category=category,
        upstream_message=_mask(upstream),
    )


def _body_as_mapping(body: bytes | str | Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if body is None:
        return None
    if isinstance(body, Mapping):
        return body
    if isinstance(body, bytes | bytearray):
        body = bytes(body).decode("utf-8", errors="replace")
    if not isinstance(body, str):
        return None
    try:
        # Decimal keeps a code written as 3009.0 exact; constants (NaN) are simply dropped.
        data = json.loads(body, parse_float=Decimal, parse_constant=lambda _: None)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, Mapping) else None


def _resp_block(data: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if data is None:
        return None
    resp = data.get("resp")
    return resp if isinstance(resp, Mapping) else None


def _body_code(data: Mapping[str, Any] | None) -> int | None:
    if data is None:
        return None
    code = _as_code(data.get("code"))
    if code is None:
        # A full account-API envelope reports its failure in resp.respCode instead.
        resp = _resp_block(data)
        if resp is not None:
            code = _as_code(resp.get("respCode"))
    return code


def _as_code(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return int(value) if value.is_finite() and value == value.to_integral_value() else None
    if isinstance(value, str):
        text = value.strip()
        return int(text) if _CODE_RE.fullmatch(text) else None
    return None


def _body_category(data: Mapping[str, Any] | None) -> str | None:
    text = _body_text(data, "category")
    return text if text is not None and _CATEGORY_RE.fullmatch(text) else None


def _body_text(data: Mapping[str, Any] | None, key: str) -> str | None:
    if data is None:
        return None
    value = data.get(key)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from a numeric ``Retry-After``; the HTTP-date form needs a clock: skipped."""
    if not headers:
        return None
    for name, value in headers.items():
        if isinstance(name, str) and name.lower() == "retry-after" and isinstance(value, str):
            text = value.strip()
            if _RETRY_AFTER_RE.fullmatch(text):
                return float(text)
            return None
    return None


def _max_days(text: str | None) -> int | None:
    if not text:
        return None
    windows = [
        int(number) * _DAYS_PER_UNIT[unit.lower().rstrip("s")]
        for number, unit in _WINDOW_RE.findall(text)
        if int(number) > 0
    ]
    if not windows:
        windows = [int(n) for n in _SHORT_NUMBER_RE.findall(text) if int(n) > 0]
    return min(windows) if windows else None


def _mask(text: str | None) -> str | None:
    """Shorten the upstream's text and hide what could be an account number, CI or token."""
    if text is None:
        return None
    text = _LONG_DIGITS_RE.sub("***", text)
    text = _TOKEN_RE.sub("***", text)
    if len(text) > _UPSTREAM_MESSAGE_LIMIT:
        text = text[: _UPSTREAM_MESSAGE_LIMIT - 1] + "…"
    return text
