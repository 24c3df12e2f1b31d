"""Instruments (reference data shared by every user) and the asset classes they fall into."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssetClass(models.TextChoices):
    """The classes of the dashboard's allocation."""

    KOSPI = "kospi", _("KOSPI")
    KOSDAQ = "kosdaq", _("KOSDAQ")
    ETF = "etf", _("ETF")
    OTHER_EQUITY = "other_equity", _("other equities")
    FUND = "fund", _("funds")
    BOND = "bond", _("bonds")
    ELS_DLS = "els_dls", _("ELS/DLS")
    OTHER = "other", _("CP/RP and other")
    CASH = "cash", _("cash")


class Family(models.TextChoices):
    """Which list of a balance or portfolio answer an instrument came from."""

    EQUITY = "equity", _("equity")
    FUND = "fund", _("fund")
    OTHER = "other", _("other product")


# The platform's assetType codes. Unknown codes fall into the family's catch-all class, so a
# broker adding a product type never breaks a sync.
EQUITY_CLASSES = {"KSP": AssetClass.KOSPI, "KDQ": AssetClass.KOSDAQ, "ETF": AssetClass.ETF}
OTHER_CLASSES = {
    "BOND": AssetClass.BOND,
    "STB": AssetClass.BOND,  # short-term bond
    "ELS": AssetClass.ELS_DLS,
    "DLS": AssetClass.ELS_DLS,
}


def asset_class_for(family: str, asset_type: str | None) -> AssetClass:
    """The allocation class of a line: FUT, OPT, ELW and ETC are other equities; CD, CP, RP,
    CRP, RRP and WRT join "CP/RP and other"."""
    code = (asset_type or "").strip().upper()
    if family == Family.EQUITY:
        return EQUITY_CLASSES.get(code, AssetClass.OTHER_EQUITY)
    if family == Family.FUND:
        return AssetClass.FUND
    return OTHER_CLASSES.get(code, AssetClass.OTHER)


class Instrument(models.Model):
    """A product learnt from what the upstream sends.

    `key` is the ISIN for equities (and other products when the broker sends one), the fund code
    for funds, and a synthetic key built from the asset type and name for other products without
    an ISIN (the platform documents etcList's isinCode as not yet supported). The name is often
    missing (equityList has no productName in the seeds) and is filled in when a name arrives.
    """

    key = models.CharField(_("key"), max_length=100, unique=True)
    isin = models.CharField(_("ISIN or fund code"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    family = models.CharField(_("family"), max_length=10, choices=Family.choices)
    asset_type = models.CharField(
        _("asset type"), max_length=10, blank=True, help_text=_("the platform's assetType code")
    )
    asset_class = models.CharField(_("asset class"), max_length=20, choices=AssetClass.choices)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["key"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.name or self.key
