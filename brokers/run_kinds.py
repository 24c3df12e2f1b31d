"""The failure kinds a sync run records of its own, next to the platform error kinds of
`brokers.errors`. The run's state machine is `portfolio.sync.runs`; the kinds live here, with
the run model, because `brokers` (the support console, the failure words) reads them too."""

from __future__ import annotations

__all__ = [
    "ALREADY_RUNNING",
    "BUDGET",
    "HOLIDAY",
    "INTERNAL",
    "INTERRUPTED",
    "NOT_CONNECTED",
    "STALE",
    "SUPERSEDED",
    "TIMEOUT",
    "UNLINKED",
]

# Failure kinds of our own, next to the platform error kinds of `brokers.errors`.
ALREADY_RUNNING = "already_running"  # skipped: another run of the account was running
BUDGET = "budget"  # skipped: the day's platform budget could not cover this account
NOT_CONNECTED = "not_connected"  # skipped: no usable grant (never connected, disconnected)
UNLINKED = "unlinked"  # skipped: the account is no longer linked at the portal
SUPERSEDED = "superseded"  # skipped: the queued run was already taken by another delivery
HOLIDAY = "holiday"  # skipped: a nightly run on a day the KRX is shut
STALE = "stale"  # failed: left running past the time limit (its worker died or hung)
INTERRUPTED = "interrupted"  # failed: its worker died and no redelivery took the run over
TIMEOUT = "timeout"  # failed: the task's time limit interrupted it
INTERNAL = "internal"  # failed: an error of ours, not the platform's (logged with a trace)
