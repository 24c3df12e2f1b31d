"""Support staff in Chromium: a user whose consent expired in the sandbox asks why their account
is gone; the console says so, names the next step, and the user sees that support looked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import override

from brokers.models import Broker, LinkedAccount, PortalCheck, SyncRun
from brokers.openplatform.client import OpenPlatformClient
from brokers.support.advice import TEXT, Advice
from portfolio.sync.account import account_sync
from tests.brokers.conftest import connect, sandbox_config
from tests.factories import PASSWORD, IdentityFactory
from tests.support.staff import staff_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARK_ACCOUNT = "161034567890100001"  # the persona's diamond account, consent expired yesterday


@pytest.fixture
def support_staff(db):
    return staff_member("support@jasan.example", "support")


@pytest.fixture
def minji(on_sandbox):
    """Our user, verified as the sandbox persona 박민지 and connected for real. We first saw her
    diamond account linked (and our last check of the portal answered) a year and a day ago; its
    consent has since run out at the portal, and last night's sync was refused (code 4006)."""
    sandbox = on_sandbox
    persona = sandbox.personas["park"]
    identity = IdentityFactory(
        user__email="minji@example.com", ci=persona.ci, korean_name=persona.kor_name
    )
    with OpenPlatformClient(sandbox_config(sandbox)) as client:
        connect(client, sandbox, identity.user, "park", sandbox.persona_password)
        account = LinkedAccount.objects.create(
            user=identity.user,
            broker=Broker.objects.get(short_name="diamond"),
            vt_acc_no=PARK_ACCOUNT,
            vt_acc_no_last4=PARK_ACCOUNT[-4:],
            alias="만료된 동의",
        )
        a_year_ago = timezone.now() - dt.timedelta(days=366)
        LinkedAccount.objects.filter(pk=account.pk).update(created_at=a_year_ago)
        PortalCheck.objects.create(user=identity.user, is_member=True, checked_at=a_year_ago)
        account_sync(account_id=account.pk, trigger=SyncRun.Trigger.NIGHTLY, upstream=client)
    return identity.user


def _sign_in(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/home/")


def test_support_finds_a_user_whose_consent_expired_and_names_the_next_step(
    page,
    browser,
    live_server,
    minji,
    support_staff,
    output_dir,
):
    shots = output_dir / "e2e" / "support"
    shots.mkdir(parents=True, exist_ok=True)
    with override("ko"):
        words = str(TEXT[Advice.CONSENT_EXPIRED])
    run = SyncRun.objects.get(account__user=minji)
    assert (run.state, run.failure_kind, run.platform_code) == ("failed", "consent_required", 4006)

    # 1. Support looks the user up by e-mail.
    _sign_in(page, live_server.url, support_staff.email)
    page.goto(live_server.url + "/support/")
    page.fill("input[name=q]", "minji@example.com")
    page.locator("[data-support-search] button[type=submit]").click()
    page.wait_for_url(f"**/support/users/{minji.pk}/")

    next_step = page.locator("[data-advice]")
    assert next_step.get_attribute("data-advice") == "consent_expired"
    assert words in next_step.inner_text()
    assert page.locator('[data-alert="consent_expired"]').is_visible()
    assert page.locator("[data-lapsed]").count() == 1
    failed = page.locator(f'[data-run="{run.pk}"]')
    assert failed.get_attribute("data-failure") == "consent_required"
    assert "4006" in failed.inner_text()
    html = page.content()
    assert PARK_ACCOUNT not in html and minji.identity.ci not in html
    assert "····0001" in html
    page.screenshot(path=shots / "01-consent-expired.png", full_page=True)

    # 2. Re-checking at the platform confirms it: the link is gone, the advice stays.
    page.locator("[data-action=recheck] button").click()
    page.wait_for_url(f"**/support/users/{minji.pk}/")
    assert page.locator("[data-advice]").get_attribute("data-advice") == "consent_expired"
    assert page.locator("[data-advice]").get_attribute("data-step") == "link_accounts"
    assert page.locator(f'[data-account="{run.account_id}"]').get_attribute("data-status") == (
        "unlinked"
    )
    assert words in page.locator("[data-advice]").inner_text()
    page.screenshot(path=shots / "02-after-recheck.png", full_page=True)

    # 3. The user sees in their own activity log that support looked, and when.
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    try:
        user_page = context.new_page()
        _sign_in(user_page, live_server.url, "minji@example.com")
        user_page.goto(live_server.url + "/me/activity/")
        assert user_page.locator('[data-event="support_viewed"]').count() == 2
        assert user_page.locator('[data-event="support_action"]').count() == 1
        assert support_staff.email not in user_page.content()
        user_page.screenshot(path=shots / "03-user-activity.png", full_page=True)
    finally:
        context.close()


def test_an_admin_opens_the_service_overview_from_the_admin(page, live_server, output_dir):
    staff = staff_member("ops@jasan.example", "admin")
    account = LinkedAccount.objects.create(
        user=IdentityFactory().user,
        broker=Broker.objects.get(short_name="diamond"),
        vt_acc_no=PARK_ACCOUNT,
        vt_acc_no_last4=PARK_ACCOUNT[-4:],
    )
    for kind in ("transient", "transient", "consent_required"):
        SyncRun.objects.create(
            account=account, trigger="nightly", state="failed", failure_kind=kind,
            finished_at=timezone.now(), calls_used=1,
        )  # fmt: skip

    _sign_in(page, live_server.url, staff.email)
    page.goto(live_server.url + "/admin/")
    page.locator("[data-staff-links] a").first.click()
    page.wait_for_url("**/support/overview/")

    assert page.locator('[data-figure="failed_total"]').get_attribute("data-value") == "3"
    assert page.locator('[data-figure="accounts_linked"]').get_attribute("data-value") == "1"
    shots = output_dir / "e2e" / "support"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=shots / "04-service-overview.png", full_page=True)
