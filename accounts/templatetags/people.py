"""``{% person_link person %}``: a person's name, linked to their page for whoever may
open it (``accounts.permissions.may_link_person``), plain text for anyone else."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may_link_person

register = template.Library()


@register.simple_tag(takes_context=True)
def person_link(context: template.Context, person: User | None, css_class: str = "") -> SafeString:
    """``person``'s full name as ``<a href="(their page)">``, or escaped text when the
    page's viewer (``viewer`` in the context, else ``request.user``) may not open it; an
    em dash for no person."""
    if person is None:
        return SafeString("—")
    # A section rendered apart from the request (``render_to_string``) names its viewer.
    viewer: Any = context.get("viewer") or getattr(context.get("request"), "user", None)
    if viewer is None or not may_link_person(viewer, person):
        return SafeString(escape(person.full_name))
    if css_class:
        return format_html(
            '<a href="{}" class="{}" data-person-link="{}">{}</a>',
            person.get_absolute_url(),
            css_class,
            person.pk,
            person.full_name,
        )
    return format_html(
        '<a href="{}" data-person-link="{}">{}</a>',
        person.get_absolute_url(),
        person.pk,
        person.full_name,
    )


@register.simple_tag(takes_context=True)
def person_page_link(context: template.Context, person: User | None) -> SafeString:
    """A short "Person's page" link to ``person``'s page, for lists whose name already
    links elsewhere (the Team page's to the objectives, the coaching overview's to the
    timeline); the name follows, hidden on screen, so that each link says whose page it
    opens. Nothing when the viewer may not open it."""
    viewer: Any = context.get("viewer") or getattr(context.get("request"), "user", None)
    if person is None or viewer is None or not may_link_person(viewer, person):
        return SafeString("")
    return format_html(
        '<a href="{}" data-person-page="{}">{}<span class="visually-hidden">: {}</span></a>',
        person.get_absolute_url(),
        person.pk,
        _("Person's page"),
        person.full_name,
    )
