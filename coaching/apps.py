from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = _("Coaching")

    def ready(self) -> None:
        # Imported here, not at the top: the models are not loaded when apps.py is.
        from accounts.extensions import (  # noqa: PLC0415
            person_actions,
            person_panels,
            person_records,
        )
        from coaching.extensions import (  # noqa: PLC0415
            objective_checkpoints,
            objective_coaching_links,
            objective_improvement_plans,
            person_improvement_plans,
            person_trajectory_panel,
            plan_coaching_links,
            team_checkpoints,
        )
        from coaching.feedback_results import person_feedback_panel  # noqa: PLC0415
        from coaching.navigation_figures import connect as connect_figures  # noqa: PLC0415
        from coaching.person_page import (  # noqa: PLC0415
            person_coaching_links,
            person_coaching_panel,
        )
        from coaching.praise import person_praise_panel  # noqa: PLC0415
        from plans.extensions import (  # noqa: PLC0415
            objective_actions,
            objective_records,
            plan_actions,
            team_records,
        )

        objective_actions.register(objective_coaching_links)
        objective_records.register(objective_checkpoints)
        objective_records.register(objective_improvement_plans)
        team_records.register(team_checkpoints)
        plan_actions.register(plan_coaching_links)
        person_records.register(person_improvement_plans)
        person_actions.register(person_coaching_links)
        person_panels.register(person_coaching_panel)
        person_panels.register(person_trajectory_panel)
        person_panels.register(person_feedback_panel)
        person_panels.register(person_praise_panel)
        connect_figures()
