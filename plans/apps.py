from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Performance plans")

    def ready(self) -> None:
        # Imported here, not at the top: the models are not loaded when apps.py is.
        from accounts.extensions import person_panels  # noqa: PLC0415
        from plans.person_page import person_objectives_panel  # noqa: PLC0415

        person_panels.register(person_objectives_panel)
