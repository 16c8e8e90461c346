"""Reviews' entries in the plan pages' extension points (``plans.extensions``).

Registered by ``ReviewsConfig.ready()``: ``plans`` shows them without importing
``reviews``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.links import pk_url
from accounts.models import User
from plans.extensions import PageLink
from plans.models import AppraisalCycle
from plans.permissions import can_manage_cycles


def cycle_close_link(user: User, cycle: AppraisalCycle) -> list[PageLink]:
    """On an active cycle's page, for HR: the close step, which deals with its open tables."""
    if not cycle.is_active or not can_manage_cycles(user):
        return []
    return [
        PageLink(
            label=_("Close the cycle…"),
            url=pk_url("reviews:cycle_close", cycle.pk),
            style="btn-outline-danger",
        )
    ]
