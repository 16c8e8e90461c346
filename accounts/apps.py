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
        # A signed-in session's key names its person (one cache round trip a request).
        from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415

        from accounts.sessions import name_the_person  # noqa: PLC0415

        user_logged_in.connect(name_the_person, dispatch_uid="session-names-person")
        # Every statement bumps the versions of the tables it writes (cached pages).
        connection_created.connect(watch, dispatch_uid="table-versions")
