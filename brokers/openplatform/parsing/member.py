"""The member APIs: membership of the fintech portal, and the accounts linked under a consent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brokers.errors import ParseError
from brokers.openplatform.parsing.answer import parse_resp_code
from brokers.openplatform.parsing.values import (
    answer_root,
    broker_code,
    date_value,
    field,
    item_list,
    required_string,
    string_value,
)
from brokers.records import LinkedAccount, Membership

_VT_ACC_NO_MAX_LENGTH = 30


def parse_register_search(d: Mapping[str, Any]) -> bool:
    """Whether the person is a member of the fintech portal (member/register/search)."""
    root = answer_root(d)
    parse_resp_code(root)
    result = string_value(root.get("result"), "result")
    if result is not None and result.lower() == "member":
        return True
    if result is not None and result.lower() == "nonmember":
        return False
    raise ParseError("result is neither member nor nonMember", path="result")


def parse_membership(d: Mapping[str, Any]) -> Membership:
    """register/search with the newer `commonTermsExpireDate` (YYYYMMDD) when present."""
    return Membership(
        is_member=parse_register_search(d),
        terms_expire=date_value(
            field(answer_root(d), "commonTermsExpireDate"), "commonTermsExpireDate"
        ),
    )


def parse_consent_search(d: Mapping[str, Any]) -> tuple[LinkedAccount, ...]:
    """The virtual accounts linked to our service under a valid consent (consent/search).

    An empty tuple is a normal answer: the user has not linked any account to us yet. The
    newer `serviceTermsExpireDate` is read from each item or, as the example puts it, from the
    top level; `endpoint` is read where an item has one.
    """
    root = answer_root(d)
    parse_resp_code(root)
    top_terms = date_value(field(root, "serviceTermsExpireDate"), "serviceTermsExpireDate")
    accounts = []
    for path, item in item_list(root, "vtAccList"):
        vt_acc_no = required_string(item.get("vtAccNo"), f"{path}.vtAccNo")
        if len(vt_acc_no) > _VT_ACC_NO_MAX_LENGTH:
            raise ParseError("virtual account number is too long", path=f"{path}.vtAccNo")
        accounts.append(
            LinkedAccount(
                broker_code=broker_code(item.get("comId"), f"{path}.comId"),
                vt_acc_no=vt_acc_no,
                alias=string_value(item.get("vtAccAlias"), f"{path}.vtAccAlias"),
                terms_expire=date_value(
                    field(item, "serviceTermsExpireDate"), f"{path}.serviceTermsExpireDate"
                )
                or top_terms,
                endpoint=string_value(item.get("endpoint"), f"{path}.endpoint"),
            )
        )
    return tuple(accounts)
