"""The platform notes' error bodies: the broker-link error and the gateway's."""

from __future__ import annotations

# The platform notes' broker-link error body (docs/upstream.md, "Limits and errors"). The
# description is an ellipsis in the original too; the literal is split in two for line length
# only.
ERROR_BODY = (
    """{"category": "op-exco", "code": 9011, "message": "invalid virtual account number.", """
    """"description": "…"}"""
)

# The platform notes' gateway error bodies (docs/upstream.md, "Limits and errors").
RATE_LIMIT_BODY = """{"message": "API rate limit exceeded"}"""

INVALID_CREDENTIALS_BODY = """{"message": "Invalid authentication credentials"}"""

NO_API_KEY_BODY = """{"message": "No API key found in request"}"""

NO_ROUTE_BODY = """{"message": "no Route matched with those values"}"""
