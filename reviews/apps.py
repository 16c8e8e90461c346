from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Monthly reviews")

    def ready(self) -> None:
        # Imported here, not at the top: the models are not loaded when apps.py is.
        from plans.extensions import cycle_actions  # noqa: PLC0415
        from reviews.extensions import cycle_close_link  # noqa: PLC0415

        cycle_actions.register(cycle_close_link)
