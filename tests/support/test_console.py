"""The support console against real data: what it shows, what it never shows, and its audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ActivityEvent, SupportAudit
from brokers.models import LinkedAccount, PortalCheck, SyncRun
from tests.factories import ConnectionFactory, IdentityFactory, LinkedAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (support desk test)"


def _secrets_of(link) -> list[str]:
    """Every value of the user's that must never reach a page: tokens, CI, full numbers."""
    link.connection.refresh_from_db()
    values = [
        link.connection.access_token,
        link.connection.refresh_token,
        link.identity.ci,
        *link.accounts,
    ]
    assert all(values) and len(values) == 7
    return values


def _assert_shows_none_of(html: str, secrets: list[str], where: str) -> None:
    for secret in secrets:
        assert secret not in html, f"{where} shows a secret ending …{secret[-4:]}"


def test_the_console_shows_hongs_link_without_tokens_ci_or_full_numbers(support_client, hong):
    url = reverse("support_user", args=[hong.user.pk])
    page = support_client.get(url)
    html = page.content.decode()

    assert page.status_code == 200
    _assert_shows_none_of(html, _secrets_of(hong), url)
    case = page.context["case"]
    assert case.identity_verified_at == hong.identity.verified_at
    assert case.connection.authorized is True
    assert case.connection.refresh_possible is True
    assert case.connection.access_expires_at == hong.connection.access_expires_at
    shown = [a.number_display.removeprefix("····") for a in case.accounts]
    assert len(set(shown)) == len(shown)  # two accounts never look alike
    assert sorted(shown) == sorted(
        next(n[-len(tail) :] for n in hong.accounts if n.endswith(tail)) for tail in shown
    )
    assert sorted(a.alias for a in case.accounts) == [
        "대량 종목",
        "스타 위탁",
        "연금저축",
        "주식투자용",
    ]
    for tail in shown:
        assert f"····{tail}" in html
    assert 'data-fact="identity_verified" data-value="yes"' in html
    assert 'data-fact="refresh_possible" data-value="yes"' in html
    expires = hong.connection.access_expires_at
    assert f'data-fact="access_expires" data-value="{timezone.localtime(expires):%Y-%m-%d}"' in html


@pytest.mark.django_db(databases=["default", "sandbox"])
def test_no_admin_page_shows_hongs_tokens_ci_or_full_numbers(
    admin_staff_client, hong, support_staff
):
    from django.contrib import admin

    # Rows of every kind that hangs off the user, so that each change page has something to show.
    support_client_view = admin_staff_client.get(reverse("support_user", args=[hong.user.pk]))
    assert support_client_view.status_code == 200
    run = SyncRun.objects.create(account=hong.at("diamond"), trigger="nightly", state="failed")
    secrets = _secrets_of(hong)
    objects = {
        "accounts.user": hong.user.pk,
        "accounts.identity": hong.identity.pk,
        "accounts.activityevent": ActivityEvent.objects.filter(user=hong.user).first().pk,
        "accounts.supportaudit": SupportAudit.objects.first().pk,
        "brokers.connection": hong.connection.pk,
        "brokers.syncrun": run.pk,
        "account.emailaddress": hong.user.emailaddress_set.first().pk,
    }
    checked = 0
    for model in admin.site._registry:
        opts = model._meta
        label = f"{opts.app_label}.{opts.model_name}"
        urls = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
        if label in objects:
            urls.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[objects[label]])
            )
        if label == "brokers.linkedaccount":
            urls += [
                reverse("admin:brokers_linkedaccount_change", args=[account.pk])
                for account in hong.accounts.values()
            ]
        for url in urls:
            page = admin_staff_client.get(url)
            assert page.status_code == 200, url
            _assert_shows_none_of(page.content.decode(), secrets, url)
            checked += 1
    assert checked >= len(admin.site._registry) + len(objects) + 4


def test_the_connection_change_form_has_no_token_field_not_even_hidden(admin_staff_client, hong):
    url = reverse("admin:brokers_connection_change", args=[hong.connection.pk])
    html = admin_staff_client.get(url).content.decode()

    assert 'name="access_token"' not in html
    assert 'name="refresh_token"' not in html
    assert "<form" in html


def test_finding_a_user_by_email_or_number_opens_their_page_and_is_audited(
    support_client, support_staff, bob
):
    by_email = support_client.get(reverse("support_console"), {"q": "BOB@example.com"})
    by_number = support_client.get(reverse("support_console"), {"q": str(bob.pk)})

    assert by_email.status_code == by_number.status_code == 302
    assert by_email["Location"] == by_number["Location"] == reverse("support_user", args=[bob.pk])
    searches = SupportAudit.objects.filter(action="searched").order_by("id")
    assert [(s.user, s.detail) for s in searches] == [
        (bob, {"query": "BOB@example.com", "found": True}),
        (bob, {"query": str(bob.pk), "found": True}),
    ]
    assert all(s.actor == support_staff for s in searches)
    # A search is not a look at the user's status: their log stays as it was.
    assert not ActivityEvent.objects.filter(user=bob).exists()


def test_a_search_that_finds_nobody_says_so_and_is_audited_too(support_client, support_staff):
    page = support_client.get(reverse("support_console"), {"q": "ghost@example.com"})

    assert page.status_code == 200
    assert "data-not-found" in page.content.decode()
    audit = SupportAudit.objects.get()
    assert (audit.action, audit.user, audit.actor_email) == (
        "searched",
        None,
        "support@jasan.example",
    )
    assert audit.detail == {"query": "ghost@example.com", "found": False}


def test_viewing_a_user_is_audited_with_who_and_where_and_shown_in_their_activity_log(
    client, support_staff, alice
):
    client.force_login(support_staff)
    client.get(reverse("support_user", args=[alice.pk]), HTTP_USER_AGENT=BROWSER)

    audit = SupportAudit.objects.get()
    assert (audit.action, audit.actor, audit.user) == ("viewed", support_staff, alice)
    assert (audit.ip_address, audit.user_agent) == ("127.0.0.1", BROWSER)
    event = ActivityEvent.objects.get(user=alice)
    assert (event.kind, event.actor) == ("support_viewed", support_staff)
    # The user learns that support looked and when, not the staff member's address.
    assert (event.ip_address, event.user_agent) == (None, "")

    client.force_login(alice)
    activity = client.get(reverse("activity")).content.decode()
    assert '<tr data-event="support_viewed">' in activity
    when = timezone.localtime(event.created_at)
    assert f"{when.year}. {when.month}. {when.day}. {when:%H:%M}" in activity
    assert "support@jasan.example" not in activity


def test_charlie_sees_nothing_of_support_looking_at_alice(client, support_client, alice, charlie):
    support_client.get(reverse("support_user", args=[alice.pk]))
    client.force_login(charlie)

    assert 'data-event="support_viewed"' not in client.get(reverse("activity")).content.decode()


def test_an_unknown_user_or_another_users_account_is_not_found(support_client, alice, bob):
    account = LinkedAccountFactory(user=bob)

    assert support_client.get(reverse("support_user", args=[999_999])).status_code == 404
    response = support_client.post(reverse("support_sync", args=[alice.pk, account.pk]))
    assert response.status_code == 404
    assert not SyncRun.objects.exists()


def test_the_actions_are_posts_only(support_client, alice):
    assert support_client.get(reverse("support_recheck", args=[alice.pk])).status_code == 405


def test_rechecking_asks_the_platform_now_and_is_audited(
    support_client, support_staff, hong, on_sandbox
):
    PortalCheck.objects.filter(user=hong.user).update(checked_at=None, is_member=None)

    response = support_client.post(
        reverse("support_recheck", args=[hong.user.pk]), HTTP_USER_AGENT=BROWSER
    )

    assert response.status_code == 302
    check = PortalCheck.objects.get(user=hong.user)
    assert check.is_member is True
    assert timezone.now() - check.checked_at < dt.timedelta(minutes=1)
    audit = SupportAudit.objects.get(action="portal_checked")
    assert (audit.user, audit.actor, audit.detail) == (
        hong.user,
        support_staff,
        {"result": "member"},
    )
    assert (audit.ip_address, audit.user_agent) == ("127.0.0.1", BROWSER)
    event = ActivityEvent.objects.get(user=hong.user, kind="support_action")
    assert (event.actor, event.detail) == (support_staff, {"action": "portal_checked"})
    # The check itself went out as our server's, not from the staff member's address.
    checked = ActivityEvent.objects.filter(user=hong.user, kind="membership_checked").latest("id")
    assert checked.ip_address is None


def test_viewing_never_calls_the_platform(support_client, hong, on_sandbox):
    # hong has never been checked, so the user's own page would ask the platform now.
    assert not PortalCheck.objects.filter(user=hong.user).exists()

    page = support_client.get(reverse("support_user", args=[hong.user.pk]))

    assert page.status_code == 200
    assert not PortalCheck.objects.filter(user=hong.user).exists()
    assert not ActivityEvent.objects.filter(user=hong.user, kind="membership_checked").exists()
    assert 'data-fact="portal_member" data-value="unknown"' in page.content.decode()


def test_queueing_a_sync_makes_a_support_run_once_and_is_audited(support_client, support_staff):
    account = LinkedAccountFactory(user=ConnectionFactory().user)
    url = reverse("support_sync", args=[account.user.pk, account.pk])

    first = support_client.post(url)
    second = support_client.post(url)

    assert first.status_code == second.status_code == 302
    run = SyncRun.objects.get()
    assert (run.account, run.trigger, run.state) == (account, "support", "queued")
    audits = SupportAudit.objects.filter(action="sync_queued").order_by("id")
    label = f"다이아몬드증권 ····{account.vt_acc_no_last4}"
    assert [a.detail for a in audits] == [
        {"account": label, "run": run.pk, "queued": True},
        {"account": label, "run": run.pk, "queued": False},
    ]
    events = ActivityEvent.objects.filter(user=account.user, kind="support_action")
    assert [e.detail for e in events] == [{"action": "sync_queued", "account": label}] * 2


def test_an_unlinked_account_has_no_sync_button(support_client):
    account = LinkedAccountFactory(status=LinkedAccount.Status.UNLINKED)

    html = support_client.get(reverse("support_user", args=[account.user.pk])).content.decode()

    assert f'data-account="{account.pk}" data-status="unlinked"' in html
    assert reverse("support_sync", args=[account.user.pk, account.pk]) not in html


def test_the_last_runs_show_state_failure_code_message_and_calls(support_client):
    account = LinkedAccountFactory(user=IdentityFactory().user)
    ConnectionFactory(user=account.user)
    SyncRun.objects.create(account=account, trigger="nightly", state="succeeded", calls_used=3)
    SyncRun.objects.create(
        account=account,
        trigger="user",
        state="failed",
        failure_kind="transient",
        platform_code=3005,
        message="timeout towards the broker (platform code 3005, HTTP 500)",
        calls_used=1,
    )

    page = support_client.get(reverse("support_user", args=[account.user.pk]))
    html = page.content.decode()

    runs = page.context["case"].accounts[0].runs
    assert [(r.state, r.failure_kind, r.platform_code, r.calls_used) for r in runs] == [
        ("failed", "transient", 3005, 1),
        ("succeeded", "", None, 3),
    ]
    assert "timeout towards the broker (platform code 3005, HTTP 500)" in html
    assert 'data-state="failed" data-failure="transient"' in html


def test_only_the_five_newest_runs_of_each_account_are_shown(support_client):
    first = LinkedAccountFactory()
    second = LinkedAccountFactory(user=first.user)
    for account in (first, second):
        for _ in range(7):
            SyncRun.objects.create(account=account, trigger="nightly", state="succeeded")

    case = support_client.get(reverse("support_user", args=[first.user.pk])).context["case"]

    for account in case.accounts:
        newest = SyncRun.objects.filter(account_id=account.id).order_by("-id")[:5]
        assert [r.pk for r in account.runs] == [r.pk for r in newest]


@pytest.mark.parametrize(
    ("setup", "advice"),
    [
        ("no_identity", "verify_identity"),
        ("non_member", "join_portal"),
        ("no_accounts", "link_accounts"),
        ("not_connected", "connect"),
        ("consent_lapsed_and_unlinked", "consent_expired"),
        ("failed_consent_required", "consent_expired"),
        ("never_checked_failed_consent_required", "consent_expired"),
        ("never_checked", "check_failed"),
        ("failed_transient", "wait_for_retry"),
        ("all_good", "all_good"),
    ],
)
def test_the_console_names_the_next_step_for_each_situation(support_client, setup, advice):
    user = UserFactory()
    if setup != "no_identity":
        IdentityFactory(user=user)
    if setup not in ("no_identity",) and not setup.startswith("never_checked"):
        PortalCheck.objects.create(
            user=user, is_member=setup != "non_member", checked_at=timezone.now()
        )
    if setup not in ("no_identity", "non_member", "no_accounts"):
        account = LinkedAccountFactory(user=user)
        if setup != "not_connected":
            ConnectionFactory(user=user)
        if setup == "consent_lapsed_and_unlinked":
            LinkedAccount.objects.filter(pk=account.pk).update(
                status="unlinked", created_at=timezone.now() - dt.timedelta(days=366)
            )
        if "failed_" in setup:
            SyncRun.objects.create(
                account=account,
                trigger="nightly",
                state="failed",
                failure_kind=setup.split("failed_")[1],
            )

    page = support_client.get(reverse("support_user", args=[user.pk]))

    assert page.context["case"].next.advice == advice
    assert f'data-advice="{advice}"' in page.content.decode()


def test_the_page_costs_the_same_queries_for_one_account_or_four(support_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(count: int) -> int:
        user = ConnectionFactory(user=IdentityFactory().user).user
        for _ in range(count):
            account = LinkedAccountFactory(user=user)
            SyncRun.objects.create(account=account, trigger="nightly", state="succeeded")
        with CaptureQueriesContext(connection) as captured:
            assert support_client.get(reverse("support_user", args=[user.pk])).status_code == 200
        return len(captured)

    assert queries_for(1) == queries_for(4)
