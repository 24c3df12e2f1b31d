"""allauth adapters: where allauth lets us plug our own behaviour."""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter

from accounts import encryption


class MFAAdapter(DefaultMFAAdapter):
    """Keeps TOTP secrets and recovery-code seeds encrypted at rest.

    allauth stores them in the clear unless an adapter encrypts them; ours uses the same
    MultiFernet keys as every other secret, so `manage.py reencrypt`-style key rotation and the
    fail-closed behaviour apply to them too.
    """

    def encrypt(self, text: str) -> str:
        return encryption.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return encryption.decrypt(encrypted_text)
