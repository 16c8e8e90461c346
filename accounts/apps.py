from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # The signals that keep the cached figures of the navigation current.
        from accounts.invalidation import connect  # noqa: PLC0415

        connect()
