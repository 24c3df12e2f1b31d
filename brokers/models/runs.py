"""The sync runs of a linked account, as a state machine."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import User
from brokers.models.accounts import LinkedAccount


class SyncRunQuerySet(models.QuerySet["SyncRun"]):
    def for_user(self, user: User) -> SyncRunQuerySet:
        return self.filter(account__user=user)

    def latest_per_account(self) -> SyncRunQuerySet:
        """Each account's most recent run (by id), among the runs of this queryset."""
        newest = (
            SyncRun.objects.filter(account_id=models.OuterRef("account_id"))
            .order_by("-id")
            .values("id")[:1]
        )
        return self.filter(id=models.Subquery(newest))


class SyncRun(models.Model):
    """One attempt to sync one linked account, as a state machine (`portfolio.sync.runs`).

    queued → running → succeeded | failed; queued → skipped (not started: the account was
    being synced already, the budget ran out, it is not connected). A run left running past
    the task time limit is failed as `stale` by the sweeper. At most one run of an account
    is running at a time: the database enforces it, and that is how a sync claims its account.

    `message` is written by us (never the upstream's text, a token, a CI or an account
    number), so support staff and logs may show it.
    """

    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", _("nightly")
        USER = "user", _("sync now")
        RETRY = "retry", _("retry")
        BACKFILL = "backfill", _("backfill")
        SUPPORT = "support", _("support")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")

    account = models.ForeignKey(LinkedAccount, on_delete=models.CASCADE, related_name="sync_runs")
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    calls_used = models.PositiveIntegerField(_("upstream calls"), default=0)
    failure_kind = models.CharField(_("failure kind"), max_length=30, blank=True)
    platform_code = models.PositiveIntegerField(_("platform code"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    detail = models.JSONField(
        _("detail"), default=dict, blank=True, help_text=_("what was fetched and written")
    )

    objects = SyncRunQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(state="running"),
                name="sync_run_one_running_per_account",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "-id"], name="sync_run_account_latest"),
            # The sweeper's scan: few rows are ever queued or running.
            models.Index(
                fields=["state", "created_at"],
                condition=models.Q(state__in=["queued", "running"]),
                name="sync_run_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} sync of account {self.account_id}: {self.state}"

    @property
    def retry_at(self) -> datetime.datetime | None:
        """When the platform said it could be tried again (a transient or rate-limited failure
        with a suggested delay), else None."""
        delay = self.detail.get("retry_after") if isinstance(self.detail, dict) else None
        if self.finished_at is None or not isinstance(delay, int | float):
            return None
        return self.finished_at + datetime.timedelta(seconds=delay)

    @property
    def duration(self) -> datetime.timedelta | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at
