"""The platform's error body, and the refusal of a request the platform would refuse."""

from __future__ import annotations

from typing import Any


def error_body(
    code: int | str, message: str, category: str = "op-exco", description: str = ""
) -> dict[str, Any]:
    """The platform's error body: ``{"category", "code", "message", "description"}``."""
    return {"category": category, "code": code, "message": message, "description": description}


class RequestError(Exception):
    """A request the platform would refuse, with the platform's code and HTTP status."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        status: int = 500,
        category: str = "op-exco",
        description: str = "",
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.category = category
        self.description = description

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.category, self.description)


def malformed(message: str) -> RequestError:
    return RequestError(3011, message, status=400)
