"""Django admin for the Admin role: every page renders, runs can be retried, logs are read-only,
and the service overview's figures are the database's."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, IntervalSchedule, SolarSchedule

from accounts.models import ActivityEvent, SupportAudit
from brokers.models import Connection, LinkedAccount, SyncRun
from brokers.registry import service_refusal_record
from brokers.resilience.budgets import DailyBudget
from brokers.sandbox import services as sandbox_services
from brokers.sandbox.models import DailyUsage, Fault, Member, OAuthGrant
from tests.factories import ConnectionFactory, IdentityFactory, LinkedAccountFactory
from tests.portfolio.dashboard_data import seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_kind_of_row(service_admin, support_staff):
    """At least one row of every model the admin shows, made the way the app makes them."""
    user = IdentityFactory().user
    seed(user, days=10, holdings=2, accounts=1)
    account = LinkedAccount.objects.filter(user=user).first()
    SyncRun.objects.create(account=account, trigger="nightly", state="failed", failure_kind="bug")
    service_refusal_record(account.broker, "interest")
    ActivityEvent.objects.create(user=user, kind="connected")
    SupportAudit.objects.create(
        actor=support_staff, actor_email=support_staff.email, action="viewed", user=user
    )
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES)
    SolarSchedule.objects.create(event="sunrise", latitude="37.56", longitude="126.97")
    return user


@pytest.fixture
def sandbox_rows():
    """The sandbox's own rows (in its database), where its admin is installed."""
    service = sandbox_services.personas_seed()
    member = Member.objects.get(portal_id="hong")
    OAuthGrant.objects.create(service=service, member=member, scope="account")
    DailyUsage.objects.create(service=service, day=timezone.now().date(), count=12)
    Fault.objects.create(kind="3005", broker="diamond")


@pytest.mark.django_db(databases=["default", "sandbox"])
def test_every_admin_model_has_its_list_and_change_page_render(
    admin_staff_client, every_kind_of_row, sandbox_rows
):
    rendered = []
    for model in admin.site._registry:
        opts = model._meta
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {opts.label} row to open: seed one in the fixtures"
        for url in (
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
        ):
            page = admin_staff_client.get(url)
            assert page.status_code == 200, f"{url}: {page.status_code}"
            rendered.append(url)
    assert len(rendered) == 2 * len(admin.site._registry)
    registered = {model._meta.label for model in admin.site._registry}
    assert {
        "brokers.Broker",
        "brokers.Connection",
        "brokers.LinkedAccount",
        "brokers.SyncRun",
        "accounts.User",
        "accounts.SupportAudit",
        "django_celery_beat.PeriodicTask",
        "sandbox.Fault",
    } <= registered


def test_the_admin_never_shows_a_second_factors_secret(admin_staff_client, every_kind_of_row):
    authenticator = Authenticator.objects.get()
    page = admin_staff_client.get(
        reverse("admin:mfa_authenticator_change", args=[authenticator.pk])
    )

    assert page.status_code == 200
    assert "JBSWY3DPEHPK3PXP" not in page.content.decode()


def test_the_audit_log_and_activity_logs_are_read_only_even_for_admins(
    admin_staff_client, every_kind_of_row
):
    audit = SupportAudit.objects.get()
    change = reverse("admin:accounts_supportaudit_change", args=[audit.pk])

    page = admin_staff_client.get(change)
    assert page.status_code == 200
    assert 'name="action"' not in page.content.decode()
    assert admin_staff_client.post(change, {"action": "searched"}).status_code == 403
    delete = reverse("admin:accounts_supportaudit_delete", args=[audit.pk])
    assert admin_staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert admin_staff_client.get(reverse("admin:accounts_supportaudit_add")).status_code == 403
    event_delete = reverse(
        "admin:accounts_activityevent_delete", args=[ActivityEvent.objects.first().pk]
    )
    assert admin_staff_client.post(event_delete, {"post": "yes"}).status_code == 403
    audit.refresh_from_db()
    assert audit.action == "viewed"


def test_sync_runs_filter_by_state_broker_and_failure_kind(admin_staff_client):
    diamond = LinkedAccountFactory()
    cyber = LinkedAccountFactory(broker=diamond.broker.__class__.objects.get(short_name="cyber"))
    wanted = SyncRun.objects.create(
        account=cyber, trigger="nightly", state="failed", failure_kind="transient"
    )
    SyncRun.objects.create(
        account=diamond, trigger="nightly", state="failed", failure_kind="transient"
    )
    SyncRun.objects.create(account=cyber, trigger="nightly", state="failed", failure_kind="bug")
    SyncRun.objects.create(account=cyber, trigger="nightly", state="succeeded")

    page = admin_staff_client.get(
        reverse("admin:brokers_syncrun_changelist"),
        {
            "state__exact": "failed",
            "account__broker__id__exact": cyber.broker_id,
            "failure_kind": "transient",
        },
    )

    assert page.status_code == 200
    assert [run.pk for run in page.context["cl"].result_list] == [wanted.pk]


def test_retry_queues_one_new_run_per_linked_account_and_sends_nothing_twice(
    admin_staff_client, django_capture_on_commit_callbacks
):
    first = LinkedAccountFactory()
    second = LinkedAccountFactory()
    gone = LinkedAccountFactory(status=LinkedAccount.Status.UNLINKED)
    failed = [
        SyncRun.objects.create(
            account=account, trigger="nightly", state="failed", failure_kind="transient"
        )
        for account in (first, first, second, gone)
    ]
    busy = SyncRun.objects.create(account=second, trigger="user", state="running")

    with django_capture_on_commit_callbacks() as sent:
        response = admin_staff_client.post(
            reverse("admin:brokers_syncrun_changelist"),
            {"action": "retry", "_selected_action": [run.pk for run in failed]},
        )

    assert response.status_code == 302
    retries = SyncRun.objects.filter(trigger="retry")
    assert [(r.account, r.state) for r in retries] == [(first, "queued")]
    assert len(sent) == 1  # one task, sent once the run was committed
    assert SyncRun.objects.get(pk=busy.pk).state == "running"


def test_support_staff_cannot_retry_runs(support_client):
    run = SyncRun.objects.create(account=LinkedAccountFactory(), trigger="nightly", state="failed")

    response = support_client.post(
        reverse("admin:brokers_syncrun_changelist"),
        {"action": "retry", "_selected_action": [run.pk]},
    )

    assert response.status_code == 403
    assert SyncRun.objects.count() == 1


def test_the_service_overview_figures_equal_the_database(admin_staff_client):
    now = timezone.now()
    connected = [ConnectionFactory(), ConnectionFactory()]
    ConnectionFactory(status=Connection.Status.REVOKED, access_token=None, refresh_token=None)
    ConnectionFactory(status=Connection.Status.RECONNECT_NEEDED)
    accounts = [LinkedAccountFactory(user=c.user) for c in connected]
    accounts.append(LinkedAccountFactory(user=connected[0].user, sync_problem="consent_required"))
    LinkedAccountFactory(status=LinkedAccount.Status.UNLINKED)

    def run(account, state, *, kind="", hours_ago=1, calls=0):
        made = SyncRun.objects.create(
            account=account, trigger="nightly", state=state, failure_kind=kind,
            calls_used=calls, finished_at=now - dt.timedelta(hours=hours_ago),
        )  # fmt: skip
        SyncRun.objects.filter(pk=made.pk).update(created_at=now - dt.timedelta(hours=hours_ago))

    run(accounts[0], "failed", kind="transient", calls=2)
    run(accounts[0], "failed", kind="transient", calls=1)
    run(accounts[1], "failed", kind="consent_required", calls=1)
    run(accounts[1], "failed", kind="rate_limited", hours_ago=30, calls=4)  # too old to count
    run(accounts[2], "succeeded", calls=5)
    run(accounts[2], "skipped", kind="budget")
    DailyBudget().record({"X-RateLimit-Limit-Day": "50000", "X-RateLimit-Remaining-Day": "48766"})

    page = admin_staff_client.get(reverse("service_overview"))
    html = page.content.decode()
    overview = page.context["overview"]

    assert page.status_code == 200
    assert overview.connected_users == 2
    assert overview.accounts_by_state == {"linked": 3, "unlinked": 1}
    assert overview.accounts_by_problem == {"consent_required": 1}
    assert overview.failed_runs_by_kind == {"consent_required": 1, "transient": 2}
    assert (overview.budget_limit, overview.budget_used, overview.budget_remaining) == (
        50000,
        1234,
        48766,
    )
    utc_midnight = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    today = sum(r.calls_used for r in SyncRun.objects.all() if r.created_at >= utc_midnight)
    assert overview.our_calls_today == today
    # The same figures, counted independently, are what the page shows.
    active = Connection.objects.filter(status="active").count()
    linked = LinkedAccount.objects.filter(status="linked").count()
    assert f'data-figure="connected_users" data-value="{active}"' in html
    assert f'data-figure="accounts_linked" data-value="{linked}"' in html
    assert 'data-figure="accounts_unlinked" data-value="1"' in html
    assert 'data-figure="problem_consent_required" data-value="1"' in html
    assert 'data-figure="failed_transient" data-value="2"' in html
    assert 'data-figure="failed_consent_required" data-value="1"' in html
    assert 'data-figure="failed_total" data-value="3"' in html
    assert 'data-figure="budget_used" data-value="1234"' in html
    assert 'data-figure="budget_left" data-value="48766"' in html


def test_the_overview_says_when_the_platform_has_not_reported_the_budget_today(admin_staff_client):
    html = admin_staff_client.get(reverse("service_overview")).content.decode()

    assert 'data-figure="budget_unknown"' in html
    assert 'data-figure="failed_total" data-value="0"' in html


def test_the_admin_index_links_to_the_overview_for_admins(admin_staff_client):
    html = admin_staff_client.get(reverse("admin:index")).content.decode()

    assert reverse("service_overview") in html
    assert reverse("support_console") in html


def test_a_plain_user_is_kept_out_of_the_admin(client, alice):
    client.force_login(alice)

    response = client.get(reverse("admin:brokers_connection_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not alice.is_staff
