from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Flags every template needs, such as the embedded-mode warning banner."""
    return {"embedded_mode": settings.EMBEDDED}
