"""The member APIs' newer fields (PLATFORM-MORE.md §1): the platform-wide consent's expiry on
register/search, the service consent's on consent/search, and each account's endpoint. The
expiry dates feed the same warnings as the one-year consent estimate."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from brokers.expiry import connections_expiry_sweep
from brokers.link_status import link_status_for_user
from brokers.models import ExpiryNotice, LinkedAccount, PortalCheck
from brokers.openplatform.parsing.answer import loads
from brokers.openplatform.parsing.member import parse_consent_search, parse_membership
from brokers.records import LinkedAccount as LinkedRecord
from brokers.records import Membership
from brokers.standing.journey import Alert
from tests.factories import IdentityFactory, LinkedAccountFactory

# PLATFORM-MORE.md §1, the examples as the documents give them (one line broken in two).
REGISTER_NEWER = """{"result": "member", "commonTermsExpireDate": "20181105"}"""
CONSENT_NEWER = """{"vtAccList": [{"comId": "00992", "vtAccNo": "160635473367600099",
                "vtAccAlias": "diamond",
                "endpoint": "https://sandbox-apigw.koscom.co.kr/v1/diamond/account/"}],
 "serviceTermsExpireDate": "20190813"}"""


def test_register_search_gives_the_platform_consents_expiry_where_sent():
    assert parse_membership(loads(REGISTER_NEWER)) == Membership(True, dt.date(2018, 11, 5))
    assert parse_membership(loads('{"result": "nonMember"}')) == Membership(False, None)


def test_consent_search_reads_the_top_level_expiry_and_the_endpoint():
    assert parse_consent_search(loads(CONSENT_NEWER)) == (
        LinkedRecord(
            broker_code="00992",
            vt_acc_no="160635473367600099",
            alias="diamond",
            terms_expire=dt.date(2019, 8, 13),
            endpoint="https://sandbox-apigw.koscom.co.kr/v1/diamond/account/",
        ),
    )


def test_an_items_own_expiry_wins_over_the_top_level_one():
    answer = loads(
        '{"vtAccList": [{"comId": "00002", "vtAccNo": "1", "serviceTermsExpireDate": "20200101"},'
        ' {"comId": "00002", "vtAccNo": "2"}], "serviceTermsExpireDate": "20190813"}'
    )

    assert [a.terms_expire for a in parse_consent_search(answer)] == [
        dt.date(2020, 1, 1),
        dt.date(2019, 8, 13),
    ]


@pytest.mark.django_db
def test_the_sandboxs_consent_date_is_kept_on_each_linked_account(hong):
    ends = {a.consent_expires_on for a in LinkedAccount.objects.for_user(hong.user)}

    assert len(ends) == 1 and None not in ends
    (end,) = ends
    assert 360 <= (end - timezone.localdate()).days <= 366


@pytest.mark.django_db
def test_a_platform_consent_ending_soon_warns_on_the_link_page_and_by_mail():
    identity = IdentityFactory(user__email="alice@example.com")
    LinkedAccountFactory(user=identity.user)  # seen today: its one-year estimate is far away
    ends = timezone.localdate() + dt.timedelta(days=5)
    PortalCheck.objects.create(
        user=identity.user, is_member=True, checked_at=timezone.now(), terms_expire_on=ends
    )

    status = link_status_for_user(identity.user, may_check=False)
    report = connections_expiry_sweep()

    assert Alert.CONSENT_EXPIRING in status.alerts
    assert timezone.localdate(status.consent_expires_at) == ends + dt.timedelta(days=1)
    assert report.mails == [(identity.user.pk, "consent_expiring")]
    assert len(mail.outbox) == 1
    with time_machine.travel(timezone.now() + dt.timedelta(days=7)):
        connections_expiry_sweep()
        assert Alert.CONSENT_EXPIRED in link_status_for_user(identity.user, may_check=False).alerts
    assert set(ExpiryNotice.objects.values_list("kind", flat=True)) == {
        "consent_expiring",
        "consent_expired",
    }


@pytest.mark.django_db
def test_an_accounts_own_consent_date_replaces_the_one_year_estimate():
    identity = IdentityFactory(user__email="alice@example.com")
    account = LinkedAccountFactory(
        user=identity.user, consent_expires_on=timezone.localdate() + dt.timedelta(days=3)
    )

    report = connections_expiry_sweep()

    assert timezone.localdate(
        account.consent_expires_estimate
    ) == timezone.localdate() + dt.timedelta(days=4)
    assert report.mails == [(identity.user.pk, "consent_expiring")]
