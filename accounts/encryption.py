"""Encryption at rest for the secrets we store (tokens, CI, Korean names).

Built on `cryptography`'s MultiFernet with keys of its own (`JASAN_ENCRYPTION_KEYS`, newest
first), never derived from `SECRET_KEY`. It fails closed: a value that no configured key can
decrypt raises `DecryptionError`; nothing ever falls back to returning the ciphertext or None.

Fernet is randomised (each encryption of the same text differs), so an encrypted column cannot
be searched by value: `EncryptedTextField` allows no lookups but `isnull`. Where a value must be
found or kept unique (one CI, one user), a keyed blind index is stored beside it: an HMAC-SHA256
of the value under a key derived (HKDF, a purpose label of its own) from each encryption key.
The index reveals equality of two values and nothing else, and without the keys it cannot be
computed for a guessed CI. It rotates with the encryption keys: lookups try the index under
every configured key, and `manage.py reencrypt` rewrites each index under the newest one.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.db.models.lookups import Lookup
from django.dispatch import receiver


class DecryptionError(Exception):
    """No configured key decrypts the value: the key list is wrong or the value was altered."""


@functools.cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.JASAN_ENCRYPTION_KEYS])


BLIND_INDEX_PURPOSE = b"jasan blind index v1"


@functools.cache
def _index_keys() -> tuple[bytes, ...]:
    """One HMAC key per encryption key, newest first, each derived for blind indexes only (so
    neither the Fernet signing key nor its encryption key is ever used as an HMAC key)."""
    keys = []
    for key in settings.JASAN_ENCRYPTION_KEYS:
        material = base64.urlsafe_b64decode(key)
        keys.append(
            HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=BLIND_INDEX_PURPOSE).derive(
                material
            )
        )
    return tuple(keys)


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: Any) -> None:
    if setting == "JASAN_ENCRYPTION_KEYS":
        _fernet.cache_clear()
        _index_keys.cache_clear()


def blind_index(value: str) -> str:
    """The value's blind index under the newest key: 64 hex digits, the same for equal values."""
    return hmac.new(_index_keys()[0], value.encode("utf-8"), hashlib.sha256).hexdigest()


def blind_indexes(value: str) -> list[str]:
    """The value's blind index under every configured key, for lookups while keys rotate."""
    return [
        hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest() for key in _index_keys()
    ]


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError("the value cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt a stored token under the newest key (raises DecryptionError if none fits)."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError("the value cannot be decrypted with the configured keys") from exc


class EncryptedTextField(models.TextField):
    """A text column stored as a Fernet token; Python code only ever sees the plaintext."""

    description = "Text encrypted at rest"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(value)

    def get_lookup(self, lookup_name: str) -> type[Lookup] | None:
        # Equality on ciphertext would silently never match; refuse it loudly instead.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every concrete model with encrypted columns, and the names of those columns."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, EncryptedTextField)
        ]
        if names:
            found.append((model, names))
    return found
