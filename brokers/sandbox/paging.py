"""Stateless, opaque page keys for the sandbox's paged answers.

The platform hands out a ``page`` value with each answer and expects it back verbatim for the
next page (``"null"`` on the first request, and ``"null"`` in the answer when there is no next
page). The sandbox keeps no paging state: a key carries the offset of the next item, masked,
together with an HMAC over (scope, offset). The scope names what is being paged — account,
service, asset type and query — so a key cannot be replayed against another account or query,
and a forged or garbled key is refused (the broker's error 6003, "invalid page key").

A key is 16 bytes, base64url without padding: 22 characters, within the platform's
``page String(24)``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

FIRST_PAGE_KEYS = frozenset({"", "null"})
_MAC_BYTES = 12
_OFFSET_BYTES = 4
_DOMAIN = b"jasan-sandbox-page-key\x00"


class InvalidPageKey(ValueError):
    """A page key that this sandbox did not issue for this scope."""


def page_scope(*parts: object) -> str:
    """Join the parts that identify a paged listing (account, service, asset type, query…)."""
    return "\x1f".join(str(part) for part in parts)


def _mac(secret: bytes, scope: str, offset: int) -> bytes:
    message = _DOMAIN + scope.encode() + b"\x00" + offset.to_bytes(_OFFSET_BYTES, "big")
    return hmac.new(secret, message, hashlib.sha256).digest()[:_MAC_BYTES]


def _mask(secret: bytes, mac: bytes) -> bytes:
    # The offset is masked so that keys look random rather than counting upwards.
    return hmac.new(secret, _DOMAIN + b"mask" + mac, hashlib.sha256).digest()[:_OFFSET_BYTES]


def make_key(secret: bytes, scope: str, offset: int) -> str:
    """An opaque key pointing at ``offset`` within the listing named by ``scope``."""
    if not 0 <= offset < 1 << (8 * _OFFSET_BYTES):
        raise ValueError(f"offset out of range: {offset}")
    mac = _mac(secret, scope, offset)
    masked = bytes(
        a ^ b
        for a, b in zip(offset.to_bytes(_OFFSET_BYTES, "big"), _mask(secret, mac), strict=True)
    )
    return base64.urlsafe_b64encode(mac + masked).rstrip(b"=").decode("ascii")


def read_key(secret: bytes, scope: str, key: str) -> int:
    """The offset a key points at; ``InvalidPageKey`` for anything not issued for ``scope``."""
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii") + b"=" * (-len(key) % 4))
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise InvalidPageKey("page key is not base64url") from exc
    if len(raw) != _MAC_BYTES + _OFFSET_BYTES:
        raise InvalidPageKey("page key has the wrong length")
    mac, masked = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
    offset = int.from_bytes(
        bytes(a ^ b for a, b in zip(masked, _mask(secret, mac), strict=True)), "big"
    )
    if not hmac.compare_digest(mac, _mac(secret, scope, offset)):
        raise InvalidPageKey("page key was not issued for this listing")
    return offset


def is_first_page(key: str | None) -> bool:
    return key is None or key.strip() in FIRST_PAGE_KEYS


def page(
    items: Sequence[T], count: int, key: str | None, secret: bytes, scope: str
) -> tuple[list[T], str | None]:
    """One page of ``items``: at most ``count`` of them from the key's offset, and the next key.

    The first page is asked for with ``None``, ``""`` or ``"null"``; the next key is ``None``
    when this page reaches the end of the listing.
    """
    if count < 1:
        raise ValueError("count must be positive")
    stripped = "" if key is None else key.strip()
    offset = 0 if stripped in FIRST_PAGE_KEYS else read_key(secret, scope, stripped)
    if offset > len(items):
        # A listing can only shrink between calls if the data changed under the client.
        raise InvalidPageKey("page key points past the end of the listing")
    end = offset + count
    next_key = make_key(secret, scope, end) if end < len(items) else None
    return list(items[offset:end]), next_key
