"""Coaching's sections and buttons on a person's page (``accounts.extensions``):
registered by ``CoachingConfig.ready()``, so that ``accounts`` shows them without
importing ``coaching``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.extensions import PageLink, PagePanel
from accounts.links import named_url, pk_url
from accounts.models import User
from coaching.models import ActionItem
from coaching.permissions import can_coach, can_read_session_content
from coaching.selectors import sessions_of_person
from plans.permissions import can_read_employee_subject

RECENT_SESSIONS = 5
OPEN_ITEMS_SHOWN = 10
# The sessions read to find those whose steps the viewer may see (as the timeline).
SESSIONS_READ = 100


def person_coaching_links(viewer: User, person: User) -> list[PageLink]:
    """*Log session* and *Quick note* about ``person``, for whoever may coach them (a
    manager above them, while they are active: ``can_coach``); the person is chosen."""
    if not can_coach(viewer, employee=person):
        return []
    query = urlencode({"employee": person.pk})
    return [
        PageLink(
            label=_("Log session"),
            url=f"{named_url('coaching:session_new')}?{query}",
            style="btn-primary",
        ),
        PageLink(
            label=_("Quick note"),
            url=f"{named_url('coaching:session_quick')}?{query}",
            style="btn-outline-primary",
        ),
    ]


def person_coaching_panel(viewer: User, person: User) -> list[PagePanel]:
    """The latest sessions with ``person`` and the open steps agreed in them, for whoever
    may open their timeline (``can_read_employee_subject``, the timeline's own rule).

    Each session as the viewer may read it: its content (the shared note) only for who
    reads the content (``can_read_session_content``), so HR sees that it happened — date,
    type, duration, coach — unless the coach shared it; the private note is never shown.
    The steps only of sessions whose content the viewer reads. Four queries however
    many sessions and steps there are."""
    if not can_read_employee_subject(viewer, person):
        return []
    sessions = sessions_of_person(user=viewer, employee=person, limit=SESSIONS_READ)
    readable = {s.pk for s in sessions if can_read_session_content(viewer, s)}
    items = list(
        ActionItem.objects.filter(session_id__in=readable, done_at__isnull=True)
        .select_related("owner", "session")
        .order_by(F("due_date").asc(nulls_last=True), "pk")[: OPEN_ITEMS_SHOWN + 1]
    )
    context = {
        "viewer": viewer,
        "person": person,
        "recent": [{"session": s, "content": s.pk in readable} for s in sessions[:RECENT_SESSIONS]],
        "items": items[:OPEN_ITEMS_SHOWN],
        "more_items": len(items) > OPEN_ITEMS_SHOWN,
        # Some sessions' steps are not the viewer's to read (HR, unless shared): the
        # list must not claim there are none.
        "steps_hidden": len(readable) < len(sessions),
        "today": timezone.localdate(),
        "timeline_url": pk_url("coaching:timeline", person.pk),
    }
    return [PagePanel(render_to_string("coaching/_person_coaching.html", context))]
