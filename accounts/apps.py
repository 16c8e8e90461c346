from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # The signals that keep the cached figures of the navigation current.
        from django.db.backends.signals import connection_created  # noqa: PLC0415

        from accounts.invalidation import connect  # noqa: PLC0415
        from accounts.table_versions import watch  # noqa: PLC0415

        connect()
        # Every statement bumps the versions of the tables it writes (cached pages).
        connection_created.connect(watch, dispatch_uid="table-versions")
