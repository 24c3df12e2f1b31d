"""The member (service-link) APIs: membership and the linked accounts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any


def member_result(is_member: bool) -> dict[str, str]:
    return {"result": "member" if is_member else "nonMember"}


def consent_item(com_id: str, vt_acc_no: str, alias: str) -> dict[str, str]:
    """One linked virtual account; the broker code comes with a leading space, as upstream."""
    return {"comId": " " + com_id.strip(), "vtAccNo": vt_acc_no, "vtAccAlias": alias}


def consent_list(
    items: Iterable[tuple[str, str, str]], *, terms_expire: date | None = None
) -> dict[str, Any]:
    """``{"vtAccList": [...]}`` from (broker code, virtual account number, alias) triples, with
    the newer documents' top-level ``serviceTermsExpireDate`` (YYYYMMDD) when given."""
    answer: dict[str, Any] = {"vtAccList": [consent_item(*item) for item in items]}
    if terms_expire is not None:
        answer["serviceTermsExpireDate"] = terms_expire.strftime("%Y%m%d")
    return answer
