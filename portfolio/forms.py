"""Filter forms of the dashboard's lists (GET parameters, so a filtered view can be linked)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.ids import parse_id
from brokers.models import LinkedAccount
from portfolio.charts import account_label
from portfolio.models import AssetClass, TransactionType
from portfolio.selectors.holdings import HOLDING_SORTS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The platform's codes read the wrong way round for most people (BID is a sell): the filter
# offers the types in the order people think of them, with Korean names.
TYPE_CHOICES = [
    (TransactionType.BUY, _("Buy")),
    (TransactionType.SELL, _("Sell")),
    (TransactionType.DEPOSIT, _("Deposit")),
    (TransactionType.WITHDRAWAL, _("Withdrawal")),
    (TransactionType.OTHER, _("Other")),
]
TYPE_LABELS: dict[str, StrOrPromise] = dict(TYPE_CHOICES)


def type_label(code: str) -> str:
    """The user-facing name of a transaction type; unknown codes are shown as sent."""
    label = TYPE_LABELS.get(code)
    return str(label) if label is not None else code


def _account_choices(accounts: Iterable[LinkedAccount]) -> list[tuple[str, StrOrPromise]]:
    return [("", _("All accounts"))] + [(str(a.pk), account_label(a)) for a in accounts]


class AccountFilterMixin(forms.Form):
    """An account choice limited to the signed-in user's own accounts."""

    def __init__(self, *args: Any, accounts: Iterable[LinkedAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every subclass declares `account` as a ChoiceField.
        cast(forms.ChoiceField, self.fields["account"]).choices = _account_choices(accounts)

    def account_id(self) -> int | None:
        return parse_id(self.cleaned_data.get("account"))


class HoldingFilterForm(AccountFilterMixin, forms.Form):
    account = forms.ChoiceField(label=_("Account"), required=False)
    asset_class = forms.ChoiceField(
        label=_("Asset class"),
        required=False,
        choices=[("", _("All classes")), *AssetClass.choices],
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[(key, key) for key in HOLDING_SORTS] + [(f"-{k}", k) for k in HOLDING_SORTS],
    )


class TransactionFilterForm(AccountFilterMixin, forms.Form):
    start = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    type = forms.MultipleChoiceField(
        label=_("Type"),
        required=False,
        choices=TYPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    account = forms.ChoiceField(label=_("Account"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned
