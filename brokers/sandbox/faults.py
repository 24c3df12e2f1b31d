"""Switchable faults: the sandbox misbehaving on purpose, the ways the real platform does.

A fault is a row (``models.Fault``) set through ``manage.py sandbox_fault``, the admin or the
test control endpoint. It matches by broker, virtual account and API (empty matches all) and
may be limited to N occurrences, so "three 3600s, then OK" can be arranged. Kinds:

=================  ===========================================================================
``429``            429 ``{"message": "API rate limit exceeded"}`` with ``Retry-After: 1``
``3004``           500 op-exco 3004, network error towards the broker
``3005``           500 op-exco 3005, timeout towards the broker
``3999``           500 op-exco 3999, unknown platform error
``3600``           503 3600 from the broker, service unavailable
``latency``        the answer is delayed by ``delay_ms`` (then answered normally)
``malformed-json`` 200 with the JSON body cut off halfway
``drop-page``      a paged answer's next ``page`` key skips one page (items never delivered)
``repeat-page``    a paged answer (other than the first) gives back the key it was asked
                   with, so following the keys repeats the page
``consent-expired`` 500 op-exco 4006 on account APIs, and the account leaves consent/search
=================  ===========================================================================

A fault is consumed only when it actually spoils an answer: a ``drop-page`` fault waits for an
answer that has a next page, and ``repeat-page`` for one that is not the first.
"""

from __future__ import annotations

from django.db.models import F, Q

from brokers.sandbox.models import Fault
from brokers.sandbox.render.errors import error_body
from brokers.sandbox.virtual import VIRTUAL_BROKERS

KINDS = tuple(kind for kind, _label in Fault.KIND_CHOICES)
APIS = tuple(api for api, _label in Fault.API_CHOICES)
ERROR_KINDS = ("3004", "3005", "3999", "3600")


def error_answer(kind: str, broker: str | None) -> tuple[int, dict[str, object]]:
    """The status and body of an error fault."""
    if kind == "429":
        return 429, {"message": "API rate limit exceeded"}
    if kind == "3004":
        return 500, error_body(3004, "network error.", "op-exco", "증권사 연결 중 네트워크 오류")
    if kind == "3005":
        return 500, error_body(3005, "timeout.", "op-exco", "증권사 응답 시간 초과")
    if kind == "3999":
        return 500, error_body(3999, "unknown error.", "op-exco", "알 수 없는 오류")
    if kind == "3600":
        return 503, error_body(
            3600, "service unavailable.", broker or "op-exco", "증권사 서비스 일시 중단"
        )
    raise ValueError(f"not an error fault: {kind}")


def consent_expired_answer() -> tuple[int, dict[str, object]]:
    return 500, error_body(4006, "consent not found.", "op-exco", "정보제공 동의가 만료되었습니다")


def fault_set(
    *,
    kind: str,
    broker: str = "",
    vt_acc_no: str = "",
    api: str = "",
    times: int | None = None,
    delay_ms: int = 0,
) -> Fault:
    """Switch a fault on. ``times`` limits it to that many spoiled answers."""
    if kind not in KINDS:
        raise ValueError(f"unknown fault {kind!r}; one of {', '.join(KINDS)}")
    if broker and broker not in VIRTUAL_BROKERS:
        raise ValueError(f"unknown broker {broker!r}; one of {', '.join(VIRTUAL_BROKERS)}")
    if api and api not in APIS:
        raise ValueError(f"unknown API {api!r}; one of {', '.join(APIS)}")
    if times is not None and times < 1:
        raise ValueError("times must be at least 1")
    if kind == "latency" and delay_ms <= 0:
        raise ValueError("a latency fault needs delay_ms > 0")
    return Fault.objects.create(
        kind=kind,
        broker=broker,
        vt_acc_no=vt_acc_no.strip(),
        api=api,
        remaining=times,
        delay_ms=delay_ms,
    )


def faults_clear(*, broker: str | None = None, vt_acc_no: str | None = None) -> int:
    faults = Fault.objects.all()
    if broker:
        faults = faults.filter(broker=broker)
    if vt_acc_no:
        faults = faults.filter(vt_acc_no=vt_acc_no)
    deleted, _ = faults.delete()
    return deleted


def _live() -> Q:
    return Q(remaining__isnull=True) | Q(remaining__gt=0)


def matching(*, api: str, broker: str | None = None, vt_acc_no: str | None = None) -> list[Fault]:
    """Faults that apply to one answer: an account API names its broker and account; a common
    API names neither, and then only faults for every broker apply."""
    brokers = Q(broker="") | Q(broker=broker) if broker else Q(broker="")
    accounts = Q(vt_acc_no="") | Q(vt_acc_no=vt_acc_no) if vt_acc_no else Q(vt_acc_no="")
    return list(Fault.objects.filter(_live(), Q(api="") | Q(api=api), brokers, accounts))


def consent_expired_accounts(accounts: list[tuple[str, str]]) -> set[str]:
    """Which of these (virtual account, broker) pairs a ``consent-expired`` fault hides from
    consent/search; listing uses up no fault."""
    faults = Fault.objects.filter(_live(), kind="consent-expired", api__in=["", "consent"])
    return {
        vt_acc_no
        for fault in faults
        for vt_acc_no, broker in accounts
        if fault.vt_acc_no in ("", vt_acc_no) and fault.broker in ("", broker)
    }


def fire(fault: Fault) -> bool:
    """Use one occurrence of a fault; False when another request used the last one."""
    if fault.remaining is None:
        return bool(Fault.objects.filter(pk=fault.pk).update(fired=F("fired") + 1))
    return bool(
        Fault.objects.filter(pk=fault.pk, remaining__gt=0).update(
            remaining=F("remaining") - 1, fired=F("fired") + 1
        )
    )


def take(faults: list[Fault], *kinds: str) -> Fault | None:
    """The first fault of one of ``kinds`` that fires, if any."""
    for fault in faults:
        if fault.kind in kinds and fire(fault):
            return fault
    return None
