from allauth.account.apps import AccountConfig
from allauth.mfa.apps import MFAConfig
from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    # The module holds other apps' configs too: this one is the app's own.
    default = True
    name = "accounts"
    verbose_name = _("Users")

    def ready(self) -> None:
        from accounts.ids import IdConverter

        # `<id:pk>` in every URL that names a row: ASCII digits within the bigint range.
        register_converter(IdConverter, "id")


# allauth's apps under names that say what they hold: allauth's own "Accounts" reads as
# "계좌" (brokerage accounts) in Korean, next to our linked accounts.
class SignInConfig(AccountConfig):
    verbose_name = _("Sign-in e-mail addresses")


class SecondFactorConfig(MFAConfig):
    verbose_name = _("Second factor (2FA)")
