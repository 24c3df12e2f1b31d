"""What the upstream code may write to logs, and how.

Logs leave the database's protection (they are shipped, grepped and kept for long), so nothing
personal goes in: no token, no CI, no Korean name, no full virtual account number. Account
numbers appear masked to their last four characters, which is enough for support to tell a
user's accounts apart. Every upstream call writes exactly one line through `log_call`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

UPSTREAM_LOGGER = "brokers.upstream"
_KEEP = 4

logger = logging.getLogger(UPSTREAM_LOGGER)


def mask_account(value: str | None) -> str:
    """All but the last four characters as `*`: "160678007213500001" → "**************0001".

    The length is kept so that masked numbers still line up in tables; values of four
    characters or fewer are masked whole.
    """
    if not value:
        return ""
    if len(value) <= _KEEP:
        return "*" * len(value)
    return "*" * (len(value) - _KEEP) + value[-_KEEP:]


@dataclass(frozen=True, slots=True)
class CallInfo:
    """What one upstream call was, for its log line. Holds nothing secret: `account` is masked."""

    service: str  # balance, portfolio, transaction, interest, register, consent, token, ...
    broker: str = "-"  # the broker's short name; "-" for calls not addressed to a broker
    attempt: int = 1  # the caller's attempt number (Celery retries + 1)
    account: str = ""  # masked virtual account number, if the call is about one

    @classmethod
    def for_account(
        cls, service: str, broker: str, vt_acc_no: str | None, attempt: int = 1
    ) -> CallInfo:
        return cls(service=service, broker=broker, attempt=attempt, account=mask_account(vt_acc_no))


def log_call(
    info: CallInfo,
    *,
    http_status: int | None,
    code: str | int | None,
    duration_ms: float,
    outcome: str,
) -> None:
    """Write the one structured line of an upstream call.

    The same values are attached as record attributes (`upstream_*`) for handlers that ship
    structured logs; the message repeats them as key=value pairs for plain-text handlers.
    """
    fields = {
        "broker": info.broker,
        "service": info.service,
        "status": "-" if http_status is None else http_status,
        "code": "-" if code is None else code,
        "duration_ms": round(duration_ms),
        "attempt": info.attempt,
        "outcome": outcome,
    }
    if info.account:
        fields["account"] = info.account
    level = logging.INFO if outcome == "ok" else logging.WARNING
    logger.log(
        level,
        "upstream call %s",
        " ".join(f"{key}={value}" for key, value in fields.items()),
        extra={f"upstream_{key}": value for key, value in fields.items()},
    )
