"""What ``reviews`` adds to pages of lower apps, through their extension points.

Registered by ``ReviewsConfig.ready()``: the lower apps show them without
importing ``reviews``.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.extensions import PageLink
from accounts.links import named_url, pk_url
from accounts.models import User
from accounts.selectors import is_manager_of, user_roles, was_line_manager_of
from coaching.models import CoachingSession
from plans.models import AppraisalCycle
from plans.permissions import can_manage_cycles
from plans.results_math import cycle_has_ended
from reviews.conversation_models import ReviewConversation
from reviews.permissions import tables_visible_to
from reviews.result_selectors import results_to_propose_count


def person_record_links(viewer: User, person: User) -> list[PageLink]:
    """The person's objectives and coaching timeline, for those who may read them: HR,
    the managers above and the former line managers (also after the person left)."""
    if viewer.pk == person.pk or not (
        user_roles(viewer).is_hr
        or is_manager_of(viewer, person)
        or was_line_manager_of(viewer, person)
    ):
        return []
    return [
        PageLink(_("Objectives"), pk_url("plans:person_objectives", person.pk)),
        PageLink(_("Coaching timeline"), pk_url("coaching:timeline", person.pk)),
    ]


def person_lifecycle_links(viewer: User, person: User) -> list[PageLink]:
    """HR's *Move* and *Off-board* buttons on an active person's page."""
    if not person.is_active or not user_roles(viewer).is_hr:
        return []
    links = [PageLink(_("Move (manager, department)"), pk_url("reviews:person_move", person.pk))]
    if person.pk != viewer.pk:
        links.append(
            PageLink(
                _("Off-board"),
                pk_url("reviews:person_offboard", person.pk),
                "btn-outline-danger",
            )
        )
    return links


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


def session_review_table_link(viewer: User, session: CoachingSession) -> list[PageLink]:
    """The review table whose month's conversation the session was, for who reads it."""
    held = ReviewConversation.objects.filter(session=session).select_related("table").first()
    if held is None or not tables_visible_to(viewer).filter(pk=held.table_id).exists():
        return []
    table = held.table
    label = _("The review conversation of %(subject)s's table, %(month)s") % {
        "subject": table.subject_name,
        "month": date_format(table.month, "YEAR_MONTH_FORMAT"),
    }
    return [PageLink(label, table.get_absolute_url())]


def cycle_results_link(user: User, cycle: AppraisalCycle) -> list[PageLink]:
    """On an ended or closed cycle's page, for HR: its results (issue 17 §3)."""
    if not user_roles(user).is_hr or not cycle_has_ended(cycle, timezone.localdate()):
        return []
    return [PageLink(_("Results"), f"{named_url('reviews:result_list')}?cycle={cycle.pk}")]


def team_results_to_propose(viewer: User) -> list[PageLink]:
    """Above the Team page: how many results still wait for the viewer's proposal."""
    count = results_to_propose_count(viewer)
    if not count:
        return []
    label = ngettext("%(count)d result to propose", "%(count)d results to propose", count) % {
        "count": count
    }
    return [
        PageLink(
            label, f"{named_url('reviews:result_list')}?state=not_proposed", "btn-outline-warning"
        )
    ]


def calibration_link(user: User, cycle: AppraisalCycle) -> list[PageLink]:
    """On an ended or closed cycle's page, for HR: its calibration (started or to start)."""
    if not user_roles(user).is_hr or not (cycle.is_closed or cycle.end_date < timezone.localdate()):
        return []
    return [PageLink(label=_("Calibration"), url=pk_url("reviews:calibration", cycle.pk))]
