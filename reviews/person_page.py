"""The monthly review tables on a person's page (``accounts.extensions.person_panels``),
registered by ``ReviewsConfig.ready()``: ``accounts`` shows them without importing
``reviews``."""

from __future__ import annotations

from django.template.loader import render_to_string

from accounts.extensions import PagePanel
from accounts.models import User
from accounts.selectors import is_manager_of, user_roles
from reviews.permissions import tables_visible_to

TABLES_SHOWN = 12


def person_review_tables_panel(viewer: User, person: User) -> list[PagePanel]:
    """``person``'s own monthly review tables that ``viewer`` may read
    (``tables_visible_to``), the latest month first, each with its state and deadline.

    Shown to the person, the managers above them and HR even when there is none yet (so
    they know where tables will be), and to anyone else only when they read some (a
    former line manager, a reviewer handed the table). Two queries however many tables."""
    entitled = viewer.pk == person.pk or user_roles(viewer).is_hr or is_manager_of(viewer, person)
    tables = list(
        tables_visible_to(viewer)
        .filter(employee=person)
        .defer("summary", "reviewer_summary", "suggestions", "expectations")
        .order_by("-month", "-pk")[: TABLES_SHOWN + 1]
    )
    if not tables and not entitled:
        return []
    context = {
        "person": person,
        "tables": tables[:TABLES_SHOWN],
        "more": len(tables) > TABLES_SHOWN,
        "shown": TABLES_SHOWN,
        "is_self": viewer.pk == person.pk,
    }
    return [PagePanel(render_to_string("reviews/_person_tables.html", context))]
