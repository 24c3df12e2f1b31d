from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users")

    def ready(self) -> None:
        from accounts.ids import IdConverter

        # `<id:pk>` in every URL that names a row: ASCII digits within the bigint range.
        register_converter(IdConverter, "id")
