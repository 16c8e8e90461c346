"""What ``reviews`` adds to pages of lower apps, through their extension points."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.extensions import PageLink
from accounts.links import pk_url
from accounts.models import User
from accounts.selectors import user_roles


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
