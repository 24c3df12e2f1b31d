"""JSON answers written the way the platform writes them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse

from brokers.sandbox import jsontext
from brokers.sandbox.models import FintechService

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def platform_json(
    payload: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> HttpResponse:
    """A platform answer; numbers follow the platform's notation (``jsontext``)."""
    return text_json(jsontext.dumps(payload), status, headers)


def text_json(
    text: str, status: int = 200, headers: Mapping[str, str] | None = None
) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), status=status, content_type=JSON_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def gateway_error(
    status: int, message: str, headers: Mapping[str, str] | None = None
) -> HttpResponse:
    """The gateway's own answers carry only a message: ``{"message": "..."}``."""
    return platform_json({"message": message}, status, headers)


def read_json(request: HttpRequest) -> Any:
    """The request body as JSON (``ValueError`` when it is not); numbers stay exact."""
    return json.loads(request.body.decode("utf-8"), parse_float=Decimal)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return gateway_error(404, "no Route matched with those values")


def server_error(request: HttpRequest) -> HttpResponse:
    return gateway_error(500, "An unexpected error occurred")


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for `make run`, compose and the test fixture: the database must answer."""
    return platform_json({"status": "ok", "services": FintechService.objects.count()})


# The portal's icon: a grey square with a key-like mark, so its tab is told from Jasan's.
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="7" fill="#5a5a5a"/>'
    '<circle cx="12" cy="16" r="5" fill="none" stroke="#fff" stroke-width="3"/>'
    '<path d="M17 16h10v4" fill="none" stroke="#fff" stroke-width="3"/></svg>'
)


def favicon(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(FAVICON_SVG, content_type="image/svg+xml")
    response["Cache-Control"] = "max-age=86400"
    return response
