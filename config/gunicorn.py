"""Gunicorn settings for the web process: `gunicorn config.wsgi -c config/gunicorn.py`.

The access log is written to stdout with the query string of every request, and the OAuth
callback (`/link/callback/?code=…&state=…`) carries a one-time authorization code and the state
that binds it to a session. Both are secrets while they live, so the logger writes them as
`code=[redacted]` wherever they appear: the request line, the query string, the referrer, and
any header or environ value a format might name.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

# `code=…` and `state=…` as a query parameter, and percent-encoded inside another one (the
# sign-in redirect's `next=/link/callback/%3Fcode%3D…`).
SECRET_PARAMETERS = re.compile(
    r"(?:(?<=[?&;\s\"'])|(?<=%3F)|(?<=%26)|^)(code|state)(=|%3D)(?:(?!%26)[^&\s\"'])*",
    re.IGNORECASE,
)
REDACTED = r"\1\2[redacted]"


def redact(text: str) -> str:
    """`text` with the value of every `code` and `state` parameter replaced, plain or
    percent-encoded."""
    return SECRET_PARAMETERS.sub(REDACTED, text)


class RedactingLogger(Logger):
    """Gunicorn's logger with OAuth codes and states taken out of the access log's atoms."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) and "=" in value else value
            for key, value in atoms.items()
        }


accesslog = "-"
logger_class = RedactingLogger
