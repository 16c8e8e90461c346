from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Monthly reviews")

    def ready(self) -> None:
        # Imported here, not at the top: the models are not loaded when apps.py is.
        from accounts.extensions import org_changed, person_actions, person_panels  # noqa: PLC0415
        from coaching.extensions import session_records  # noqa: PLC0415
        from plans.extensions import cycle_actions, team_records  # noqa: PLC0415
        from reviews.lifecycle import org_changes_followed  # noqa: PLC0415
        from reviews.links import (  # noqa: PLC0415
            calibration_link,
            cycle_close_link,
            cycle_results_link,
            person_lifecycle_links,
            person_record_links,
            session_review_table_link,
            team_results_to_propose,
        )
        from reviews.person_page import person_review_tables_panel  # noqa: PLC0415

        person_actions.register(person_record_links)
        person_actions.register(person_lifecycle_links)
        person_panels.register(person_review_tables_panel)
        cycle_actions.register(cycle_close_link)
        cycle_actions.register(cycle_results_link)
        team_records.register(team_results_to_propose)
        cycle_actions.register(calibration_link)
        session_records.register(session_review_table_link)
        org_changed.register(org_changes_followed)
