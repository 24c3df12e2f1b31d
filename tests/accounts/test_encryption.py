from __future__ import annotations

import hashlib

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.encryption import DecryptionError, blind_index, decrypt, encrypt
from accounts.identity import VerifiedIdentity
from accounts.models import Identity
from accounts.services import IdentityAlreadyHeld, identity_verify

CI = "S1V7HGXBV1EPGBJastZf4fQV+eOpOc1pfizByV6UIEEJHM/PF9QKu+PU2OThEog7QmVKSZNibNGg+/k0XB/9jQ=="
NAME = "홍길동"


def _raw_columns(identity_id: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ci, korean_name FROM accounts_identity WHERE id = %s", [identity_id])
        return cursor.fetchone()


def test_encrypt_and_decrypt_round_trip_unicode():
    token = encrypt(NAME)

    assert token != NAME
    assert NAME not in token
    assert decrypt(token) == NAME


def test_a_value_encrypted_under_another_key_does_not_decrypt(settings):
    token = encrypt(CI)
    settings.JASAN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(DecryptionError):
        decrypt(token)


@pytest.mark.django_db
def test_the_stored_columns_hold_no_plaintext(alice):
    identity = Identity.objects.create(
        user=alice, ci=CI, korean_name=NAME, verified_at=timezone.now()
    )

    raw_ci, raw_name = _raw_columns(identity.id)

    assert CI not in raw_ci and CI[:20] not in raw_ci
    assert NAME not in raw_name
    assert Identity.objects.get(pk=identity.pk).ci == CI


@pytest.mark.django_db
def test_reading_a_row_with_a_wrong_key_raises_instead_of_returning_anything(alice, settings):
    Identity.objects.create(user=alice, ci=CI, korean_name=NAME, verified_at=timezone.now())
    settings.JASAN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(DecryptionError):
        Identity.objects.get(user=alice)


@pytest.mark.django_db
def test_after_rotation_and_removal_of_the_old_key_every_row_decrypts(alice, bob, settings):
    old_key = settings.JASAN_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    first = Identity.objects.create(user=alice, ci=CI, korean_name=NAME, verified_at=timezone.now())
    second = Identity.objects.create(
        user=bob, ci=CI[::-1], korean_name="김철수", verified_at=timezone.now()
    )
    before = _raw_columns(first.id)

    settings.JASAN_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("reencrypt", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.JASAN_ENCRYPTION_KEYS = [new_key]

    assert _raw_columns(first.id) != before
    assert Identity.objects.get(pk=first.pk).ci == CI
    assert Identity.objects.get(pk=first.pk).korean_name == NAME
    assert Identity.objects.get(pk=second.pk).ci == CI[::-1]
    assert Identity.objects.get(pk=second.pk).korean_name == "김철수"


@pytest.mark.django_db
def test_encrypted_columns_refuse_equality_lookups():
    with pytest.raises(FieldError):
        list(Identity.objects.filter(ci=CI))


@pytest.mark.django_db
def test_rotation_also_re_encrypts_totp_secrets(alice, settings):
    from allauth.mfa.models import Authenticator

    old_key = settings.JASAN_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    authenticator = Authenticator.objects.create(
        user=alice, type=Authenticator.Type.TOTP, data={"secret": encrypt("JBSWY3DPEHPK3PXP")}
    )

    settings.JASAN_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("reencrypt", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.JASAN_ENCRYPTION_KEYS = [new_key]

    authenticator.refresh_from_db()
    assert decrypt(authenticator.data["secret"]) == "JBSWY3DPEHPK3PXP"


@pytest.mark.django_db
def test_one_ci_is_held_by_one_user_even_past_the_service(alice, bob):
    Identity.objects.create(user=alice, ci=CI, korean_name=NAME, verified_at=timezone.now())

    with pytest.raises(IntegrityError), transaction.atomic():
        Identity.objects.create(user=bob, ci=CI, korean_name=NAME, verified_at=timezone.now())


@pytest.mark.django_db
def test_the_ci_blind_index_is_keyed_and_holds_nothing_of_the_ci(alice, settings):
    identity = Identity.objects.create(
        user=alice, ci=CI, korean_name=NAME, verified_at=timezone.now()
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT ci_index FROM accounts_identity WHERE id = %s", [identity.id])
        (stored,) = cursor.fetchone()

    assert stored == blind_index(CI) and len(stored) == 64
    assert CI[:8] not in stored
    assert stored != hashlib.sha256(CI.encode()).hexdigest()  # not an unkeyed hash
    settings.JASAN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert blind_index(CI) != stored  # another key, another index


@pytest.mark.django_db
def test_while_keys_rotate_a_held_ci_is_still_found_and_reencrypt_reindexes_it(
    alice, bob, settings
):
    old_key = settings.JASAN_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    Identity.objects.create(user=alice, ci=CI, korean_name=NAME, verified_at=timezone.now())

    settings.JASAN_ENCRYPTION_KEYS = [new_key, old_key]
    with pytest.raises(IdentityAlreadyHeld):  # found under the old key's index
        identity_verify(user=bob, identity=VerifiedIdentity(ci=CI, korean_name=NAME))
    call_command("reencrypt", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.JASAN_ENCRYPTION_KEYS = [new_key]

    assert Identity.objects.get(user=alice).ci_index == blind_index(CI)
    with pytest.raises(IdentityAlreadyHeld):
        identity_verify(user=bob, identity=VerifiedIdentity(ci=CI, korean_name=NAME))
    assert not Identity.objects.filter(user=bob).exists()
