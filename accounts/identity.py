"""Identity verification: who the user is, as the open platform knows people.

The platform identifies a person by CI (connecting information), an 88-character value issued by
a certified identity-verification provider, together with the Korean name. A backend is chosen
by the `IDENTITY_VERIFICATION_BACKEND` setting. Production would plug a certified provider;
development and tests use the sandbox's stand-in, reached over HTTP like any other provider.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import requests
from django import forms
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_CI_RE = re.compile(r"[A-Za-z0-9+/]{86}==")
_HANGUL_NAME_RE = re.compile(r"[가-힣]{2,20}")
_PHONE_RE = re.compile(r"01[016789][0-9]{7,8}")


@dataclass(frozen=True)
class VerifiedIdentity:
    ci: str
    korean_name: str

    def __repr__(self) -> str:  # never print personal data, even in a traceback
        return "VerifiedIdentity(<redacted>)"


class IdentityVerificationError(Exception):
    """The provider could not verify the person; `user_message` is safe to show."""

    def __init__(self, user_message: StrOrPromise) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class IdentityBackend(Protocol):
    form_class: type[forms.Form]

    def verify(self, data: dict[str, Any]) -> VerifiedIdentity: ...


class SandboxIdentityForm(forms.Form):
    korean_name = forms.CharField(label=_("Name (in Korean)"), max_length=20)
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(label=_("Mobile phone number"), max_length=13)

    def clean_korean_name(self) -> str:
        name = self.cleaned_data["korean_name"].strip()
        if not _HANGUL_NAME_RE.fullmatch(name):
            raise forms.ValidationError(_("Enter your name in Korean, as on your ID."))
        return name

    def clean_birth_date(self) -> dt.date:
        born = self.cleaned_data["birth_date"]
        if born.year < 1900 or born > dt.date.today():  # noqa: DTZ011 - a calendar date, no time
            raise forms.ValidationError(_("Enter a real date of birth."))
        return born

    def clean_phone(self) -> str:
        digits = re.sub(r"[\s-]", "", self.cleaned_data["phone"])
        if not _PHONE_RE.fullmatch(digits):
            raise forms.ValidationError(_("Enter a mobile number such as 010-1234-5678."))
        return digits


class SandboxIdentityBackend:
    """Asks the sandbox's identity stand-in for the CI of a (name, birth date, phone) triple."""

    form_class = SandboxIdentityForm

    def verify(self, data: dict[str, Any]) -> VerifiedIdentity:
        payload = {
            "korName": data["korean_name"],
            "birthDate": data["birth_date"].strftime("%Y%m%d"),
            "phone": data["phone"],
        }
        try:
            response = requests.post(settings.IDENTITY_SANDBOX_URL, json=payload, timeout=(3, 10))
        except requests.RequestException:
            raise IdentityVerificationError(
                _("The identity verification service is not answering. Please try again.")
            ) from None
        if response.status_code != 200:
            raise IdentityVerificationError(
                _("Your identity could not be verified. Check the details and try again.")
            )
        try:
            body = response.json()
            ci, name = body["ci"], body.get("korName") or data["korean_name"]
        except (ValueError, KeyError, TypeError):
            raise IdentityVerificationError(
                _("The identity verification service gave an answer we could not read.")
            ) from None
        if not isinstance(ci, str) or not _CI_RE.fullmatch(ci.strip()):
            raise IdentityVerificationError(
                _("The identity verification service gave an answer we could not read.")
            )
        return VerifiedIdentity(ci=ci.strip(), korean_name=str(name).strip())


def get_backend() -> IdentityBackend:
    return import_string(settings.IDENTITY_VERIFICATION_BACKEND)()
