"""Which client serves an upstream: the one place that picks an implementation.

`brokers.upstream` states what every upstream must offer and names none; this module knows the
implementations, so the protocol and the clients never import each other.
"""

from __future__ import annotations

from brokers.openplatform.client import OpenPlatformClient
from brokers.upstream import Upstream


def get_upstream(upstream: str = "openplatform") -> Upstream:
    """The client for an upstream, configured from settings."""
    if upstream == "openplatform":
        return OpenPlatformClient()
    raise ValueError(f"unknown upstream: {upstream!r}")
