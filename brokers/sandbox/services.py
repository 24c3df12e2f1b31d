"""Writes to the sandbox's state: registrations, the portal's members, accounts and consents.

The portal views, the management commands, the admin and the test control endpoint all call
these functions, so each rule (a consent lasts a year, five wrong passwords lock an account, at
most one open consent per account and service) lives in one place.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from brokers.sandbox import identity, personas
from brokers.sandbox.data import AccountProfile
from brokers.sandbox.models import (
    AuthorizationCode,
    Consent,
    DailyUsage,
    Fault,
    FintechService,
    Member,
    OAuthGrant,
    OAuthToken,
    VirtualAccount,
    digest,
)
from brokers.sandbox.router import SANDBOX_DB
from brokers.sandbox.virtual import VIRTUAL_BROKERS

MIN_PASSWORD_LENGTH = 8


class PortalError(Exception):
    """Something the portal refuses, with the platform's code where it has one.

    ``message`` is Korean text for the portal's pages.
    """

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --- Registered services --------------------------------------------------------------------


@transaction.atomic(using=SANDBOX_DB)
def service_register(
    *,
    client_id: str,
    client_secret: str,
    api_key: str,
    name: str,
    com_id: str,
    srv_id: str,
    redirect_uris: Iterable[str] = (),
    return_urls: Iterable[str] = (),
) -> FintechService:
    """Register a service, or update it; URIs are added to those already registered."""
    service = FintechService.objects.filter(client_id=client_id).first() or FintechService(
        client_id=client_id
    )
    service.name = name
    service.com_id = com_id
    service.srv_id = srv_id
    service.set_client_secret(client_secret)
    service.set_api_key(api_key)
    service.save()
    return service_add_uris(service=service, redirect_uris=redirect_uris, return_urls=return_urls)


def service_add_uris(
    *, service: FintechService, redirect_uris: Iterable[str] = (), return_urls: Iterable[str] = ()
) -> FintechService:
    def merged(current: list[str], extra: Iterable[str]) -> str:
        values = list(current)
        values += [uri.strip() for uri in extra if uri.strip() and uri.strip() not in values]
        return "\n".join(values)

    service.redirect_uris = merged(service.redirect_uri_list, redirect_uris)
    service.return_urls = merged(service.return_url_list, return_urls)
    service.save(update_fields=["redirect_uris", "return_urls"])
    return service


# --- Members ---------------------------------------------------------------------------------


def _verified(kor_name: str, birth_date: str, phone: str) -> identity.VerifiedPerson:
    try:
        return identity.verify(kor_name, birth_date, phone)
    except identity.IdentityError as exc:
        raise PortalError(str(exc)) from None


@transaction.atomic(using=SANDBOX_DB)
def member_sign_up(
    *, kor_name: str, birth_date: str, phone: str, portal_id: str, password: str
) -> Member:
    """Verify the person (identity stand-in) and make them a portal member."""
    person = _verified(kor_name, birth_date, phone)
    portal_id = portal_id.strip()
    if not portal_id or len(portal_id) > 30 or not portal_id.isascii() or " " in portal_id:
        raise PortalError("아이디는 공백 없는 영문·숫자 30자 이내로 입력하세요.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PortalError(f"비밀번호는 {MIN_PASSWORD_LENGTH}자 이상이어야 합니다.")
    if Member.objects.filter(ci=person.ci).exists():
        raise PortalError("이미 가입된 회원입니다. 로그인하세요.")
    if Member.objects.filter(portal_id=portal_id).exists():
        raise PortalError("이미 사용 중인 아이디입니다.")
    member = Member(
        portal_id=portal_id,
        kor_name=person.kor_name,
        birth_date=person.birth_date,
        phone=person.phone,
        ci=person.ci,
    )
    member.set_password(password)
    try:
        with transaction.atomic(using=SANDBOX_DB):
            member.save()
    except IntegrityError:
        # Two sign-ups for the same person or id raced; the other one won.
        raise PortalError("이미 가입된 회원이거나 사용 중인 아이디입니다.") from None
    return member


_LOCKED_MESSAGE = "비밀번호를 5회 잘못 입력하여 계정이 잠겼습니다. 본인확인 후 잠금을 해제하세요."


def member_authenticate(*, portal_id: str, password: str) -> Member:
    """The member with these credentials; a wrong password counts towards the lock.

    Raises ``PortalError`` with code 2001 (authentication failed) or 2003 (account locked).
    The fifth wrong password in a row locks the account until it is unlocked.
    """
    # The counting is committed before the refusal is raised: an exception inside the atomic
    # block would roll the count back.
    with transaction.atomic(using=SANDBOX_DB):
        member = Member.objects.select_for_update().filter(portal_id=portal_id.strip()).first()
        if member is None or member.is_locked:
            accepted = False
        elif member.check_password(password):
            accepted = True
            if member.failed_logins:
                member.failed_logins = 0
                member.save(update_fields=["failed_logins"])
        else:
            accepted = False
            member.failed_logins += 1
            if member.failed_logins >= Member.MAX_FAILED_LOGINS:
                member.locked_at = timezone.now()
            member.save(update_fields=["failed_logins", "locked_at"])
    if member is None:
        raise PortalError("아이디 또는 비밀번호가 올바르지 않습니다.", code=2001)
    if member.is_locked:
        raise PortalError(_LOCKED_MESSAGE, code=2003)
    if not accepted:
        left = Member.MAX_FAILED_LOGINS - member.failed_logins
        raise PortalError(
            f"아이디 또는 비밀번호가 올바르지 않습니다. (남은 시도 {left}회)", code=2001
        )
    return member


def member_unlock(*, member: Member) -> Member:
    member.failed_logins = 0
    member.locked_at = None
    member.save(update_fields=["failed_logins", "locked_at"])
    return member


@transaction.atomic(using=SANDBOX_DB)
def member_unlock_verified(
    *, portal_id: str, kor_name: str, birth_date: str, phone: str, new_password: str
) -> Member:
    """Unlock an account after identity verification, with a new password."""
    ci = _verified(kor_name, birth_date, phone).ci
    member = Member.objects.select_for_update().filter(portal_id=portal_id.strip(), ci=ci).first()
    if member is None:
        raise PortalError("본인확인 정보가 회원 정보와 일치하지 않습니다.")
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise PortalError(f"비밀번호는 {MIN_PASSWORD_LENGTH}자 이상이어야 합니다.")
    member.set_password(new_password)
    member.save(update_fields=["password"])
    return member_unlock(member=member)


def member_lock(*, member: Member) -> Member:
    member.failed_logins = Member.MAX_FAILED_LOGINS
    member.locked_at = member.locked_at or timezone.now()
    member.save(update_fields=["failed_logins", "locked_at"])
    return member


# --- Virtual accounts and consents -----------------------------------------------------------


def _new_vt_acc_no() -> str:
    # 18 digits like the seed's examples (160678007213500001).
    return f"16{secrets.randbelow(10**12):012d}0001"


def account_issue(
    *,
    member: Member,
    broker: str,
    profile: str = AccountProfile.DEFAULT,
    nickname: str = "",
    vt_acc_no: str | None = None,
) -> VirtualAccount:
    """Issue a virtual account number at a virtual broker (the profile picks its mock data)."""
    if broker not in VIRTUAL_BROKERS:
        raise PortalError("가상 증권사를 선택하세요.")
    profile = AccountProfile(profile)
    for _attempt in range(5):
        try:
            with transaction.atomic(using=SANDBOX_DB):
                return VirtualAccount.objects.create(
                    member=member,
                    broker=broker,
                    profile=profile.value,
                    nickname=nickname.strip()[:40],
                    vt_acc_no=vt_acc_no or _new_vt_acc_no(),
                )
        except IntegrityError:
            if vt_acc_no:
                raise PortalError("이미 발급된 가상계좌번호입니다.") from None
    raise PortalError("가상계좌번호를 발급하지 못했습니다. 다시 시도하세요.")


@dataclass(frozen=True, slots=True)
class LinkRequest:
    account: VirtualAccount
    alias: str


@transaction.atomic(using=SANDBOX_DB)
def consent_link(
    *,
    member: Member,
    service: FintechService,
    links: Sequence[LinkRequest],
    now: datetime | None = None,
) -> list[Consent]:
    """Link accounts to a service: sign (or renew) a one-year consent for each of them."""
    now = now or timezone.now()
    if not links:
        raise PortalError("연결할 가상계좌를 하나 이상 선택하세요.")
    consents = []
    for link in links:
        if link.account.member_id != member.pk:
            raise PortalError("본인의 가상계좌만 연결할 수 있습니다.")
        consent = (
            Consent.objects.select_for_update()
            .filter(account=link.account, service=service, revoked_at__isnull=True)
            .first()
        ) or Consent(member=member, service=service, account=link.account)
        consent.alias = (link.alias.strip() or link.account.nickname)[:40]
        consent.signed_at = now
        consent.expires_at = now + Consent.VALIDITY
        consent.save()
        consents.append(consent)
    return consents


def consent_revoke(*, consents: Iterable[Consent], now: datetime | None = None) -> int:
    """Revoke consents (unlink accounts); the service loses access to them at once."""
    ids = [consent.pk for consent in consents]
    return Consent.objects.filter(pk__in=ids, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )


def consent_expire(*, vt_acc_no: str, client_id: str | None = None) -> int:
    """Make the open consents of an account expire now (as if a year had passed)."""
    now = timezone.now()
    consents = Consent.objects.filter(account__vt_acc_no=vt_acc_no, revoked_at__isnull=True)
    if client_id:
        consents = consents.filter(service__client_id=client_id)
    return consents.update(signed_at=now - Consent.VALIDITY, expires_at=now)


# --- OAuth -----------------------------------------------------------------------------------


def grant_revoke(*, grant: OAuthGrant, reason: str) -> None:
    """Revoke a grant and, with it, every token descended from it."""
    now = timezone.now()
    OAuthGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_reason=reason
    )
    OAuthToken.objects.filter(grant=grant, revoked_at__isnull=True).update(revoked_at=now)


def code_expire(*, code: str) -> bool:
    """Make an authorization code expire now, as ten minutes would."""
    return bool(
        AuthorizationCode.objects.filter(code_sha256=digest(code)).update(expires_at=timezone.now())
    )


def token_expire(*, token: str) -> bool:
    """Make an access or refresh token expire now; False when the sandbox never issued it."""
    return bool(
        OAuthToken.objects.filter(token_sha256=digest(token)).update(expires_at=timezone.now())
    )


# --- Personas and the default registration ------------------------------------------------


def default_service_seed(
    *, redirect_uris: Iterable[str] = (), return_urls: Iterable[str] = ()
) -> FintechService:
    """The app's development registration, from the app's own OPENPLATFORM_* settings."""
    registration = personas.default_registration(settings)
    return service_register(
        client_id=registration.client_id,
        client_secret=registration.client_secret,
        api_key=registration.api_key,
        name=personas.DEFAULT_SERVICE_NAME,
        com_id=registration.com_id,
        srv_id=registration.srv_id,
        redirect_uris=[registration.redirect_uri, *redirect_uris],
        return_urls=[*personas.default_return_urls(settings), *return_urls],
    )


def default_service(client_id: str | None = None) -> FintechService:
    """A registered service; without a client id, the app's development registration."""
    return FintechService.objects.get(
        client_id=client_id or personas.default_registration(settings).client_id
    )


@transaction.atomic(using=SANDBOX_DB)
def persona_seed(persona: personas.Persona, *, service: FintechService) -> Member | None:
    """Create or restore one persona exactly as ``personas`` describes it."""
    if persona.portal_id is None:
        # A non-member: make sure no earlier sign-up in this database made them one.
        Member.objects.filter(ci=persona.ci).delete()
        return None
    person = identity.verify(persona.kor_name, persona.birth_date, persona.phone)
    member = Member.objects.filter(ci=person.ci).first() or Member(ci=person.ci)
    member.portal_id = persona.portal_id
    member.kor_name = person.kor_name
    member.birth_date = person.birth_date
    member.phone = person.phone
    member.set_password(personas.PERSONA_PASSWORD)
    member.failed_logins = 0
    member.locked_at = None
    member.save()
    signed = timezone.now()
    if persona.consent_expired:
        signed -= Consent.VALIDITY + timedelta(days=1)
    for spec in persona.accounts:
        account, _ = VirtualAccount.objects.update_or_create(
            vt_acc_no=spec.vt_acc_no,
            defaults={
                "member": member,
                "broker": spec.broker,
                "profile": spec.profile.value,
                "nickname": spec.alias,
            },
        )
        consent_link(
            member=member, service=service, links=[LinkRequest(account, spec.alias)], now=signed
        )
    if persona.locked:
        member_lock(member=member)
    return member


def personas_seed(
    *, redirect_uris: Iterable[str] = (), return_urls: Iterable[str] = ()
) -> FintechService:
    """Register the default service and restore every persona (idempotent)."""
    service = default_service_seed(redirect_uris=redirect_uris, return_urls=return_urls)
    for persona in personas.PERSONAS.values():
        persona_seed(persona, service=service)
    return service


# --- Demos and tests ---------------------------------------------------------------------------


@transaction.atomic(using=SANDBOX_DB)
def sandbox_reset() -> None:
    """Clear every fault and give every service a fresh daily budget at the default limit."""
    Fault.objects.all().delete()
    DailyUsage.objects.all().delete()
    FintechService.objects.update(daily_limit=FintechService._meta.get_field("daily_limit").default)
