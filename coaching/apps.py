from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = _("Coaching")

    def ready(self) -> None:
        # Imported here, not at the top: the models are not loaded when apps.py is.
        from coaching.extensions import (  # noqa: PLC0415
            objective_coaching_links,
            plan_coaching_links,
        )
        from plans.extensions import objective_actions, plan_actions  # noqa: PLC0415

        objective_actions.register(objective_coaching_links)
        plan_actions.register(plan_coaching_links)
