"""An account's watchlist groups, in the broker's order."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.models.querysets import AccountScopedQuerySet


class WatchGroup(models.Model):
    """A watchlist group of an account, with its instruments in the broker's order."""

    account = models.ForeignKey(
        "brokers.LinkedAccount", on_delete=models.CASCADE, related_name="watch_groups"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    modified = models.DateField(_("modified on"), null=True, blank=True)
    # A JSON list of codes rather than an ArrayField, so that embedded mode (SQLite) works too;
    # groups are read whole and never searched by code.
    isins = models.JSONField(_("ISINs"), default=list, blank=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["account_id", "position"]
        verbose_name = _("watchlist group")
        verbose_name_plural = _("watchlist groups")
        constraints = [
            models.UniqueConstraint(fields=["account", "position"], name="watch_group_position"),
        ]

    def __str__(self) -> str:
        return self.name or f"group {self.position + 1}"
