"""The coaching overview's rows, built in one step.

The overview shows fifty people a page, each row with a dozen values, labels and links;
through the template language that cost more than the data behind it (a translated
label, a link and a localised number per cell). As ``plans_tags.progress_cells`` builds
the Team page's cells: plain strings with the standard library's escaping (the same
that Django's ``escape`` applies), labels translated once per language, each date
formatted once per request.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from django import template
from django.conf import settings
from django.utils import dateformat
from django.utils.formats import get_format, localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from accounts.links import named_url, pk_url_parts
from accounts.permissions import may_link_person

register = template.Library()

_LABELS: dict[str | None, dict[str, str]] = {}


def _labels(language: str | None) -> dict[str, str]:
    """The row's fixed texts, translated once per language: as ``{% translate "..." %}``
    writes them (a translated literal is not escaped), but the person's page link's
    (``accounts.templatetags.people.person_page_link`` escapes it)."""
    found = _LABELS.get(language)
    if found is None:
        found = {
            "last_session": _("Last session"),
            "days_since": _("Days since"),
            "sessions": _("Sessions"),
            "open_items": _("Open action items"),
            "trajectory": _("Trajectory"),
            "log_session": _("Log session"),
            "never": _("never"),
            "person_page": escape(_("Person's page")),
        }
        _LABELS[language] = found
    return found


def _number(value: int, separated: bool) -> str:
    """An integer as ``{{ value }}`` writes it (``separated``: the setting
    ``USE_THOUSAND_SEPARATOR``)."""
    return localize(value) if separated else str(value)


def _day(value: dt.date, days: dict[dt.date, str], short_date: str) -> str:
    """``value|date:"SHORT_DATE_FORMAT"``, escaped, once per date of the request;
    ``short_date`` is the language's ``SHORT_DATE_FORMAT`` (``get_format``), looked up
    once per rendering rather than per date as ``date_format`` does."""
    found = days.get(value)
    if found is None:
        found = days[value] = escape(dateformat.format(value, short_date))
    return found


def _page_state(context: template.Context) -> dict[str, Any]:
    """What every row of one rendering shares, looked up at its first row and kept in
    the template's render context: the labels of the language, the dates written so
    far, the links' paths, the viewer and the thousand separator setting."""
    state: dict[str, Any] | None = context.render_context.get("overview_rows")
    if state is None:
        state = context.render_context["overview_rows"] = {
            "labels": _labels(get_language()),
            "days": {},
            "short_date": get_format("SHORT_DATE_FORMAT"),
            "session_new": escape(named_url("coaching:session_new")),
            "person_page": tuple(escape(part) for part in pk_url_parts("accounts:person_detail")),
            "viewer": context.get("viewer") or getattr(context.get("request"), "user", None),
            "separated": settings.USE_THOUSAND_SEPARATOR,
        }
    return state


@register.simple_tag(takes_context=True)
def overview_row(context: template.Context, row: dict[str, Any]) -> SafeString:
    """One person's row of the coaching overview (``coaching.views.overview``'s ``rows``):
    name linked to the timeline, job title and a link to the person's page (for whoever
    may open it: ``accounts.permissions.may_link_person``), the last session and the next
    planned, days since, sessions, open and overdue action items, the trajectory's
    reading and *Log session*."""
    state = _page_state(context)
    labels: dict[str, str] = state["labels"]
    days: dict[dt.date, str] = state["days"]
    short_date: str = state["short_date"]
    session_new: str = state["session_new"]
    viewer: Any = state["viewer"]
    separated: bool = state["separated"]
    person = row["person"]
    pk = _number(person.pk, separated)
    name = escape(person.full_name)
    timeline = escape(row["timeline_url"])
    job_title = escape(person.job_title)
    if job_title:
        job_title += " · "
    page_link = ""
    if viewer is not None and may_link_person(viewer, person):
        page_link = (
            f'<a href="{state["person_page"][0]}{person.pk}{state["person_page"][1]}" '
            f'data-person-page="{pk}">'
            f'{labels["person_page"]}<span class="visually-hidden">: {name}</span></a>'
        )
    days_since = row["days_since"]
    if row["last_held_on"]:
        kind = labels.get(f"type:{row['last_type']}")
        if kind is None:
            kind = labels[f"type:{row['last_type']}"] = escape(str(row["last_type_label"]))
        last = f"{_day(row['last_held_on'], days, short_date)} · {kind}"
    else:
        last = f'<span class="text-body-secondary">{labels["never"]}</span>'
    if row["next_planned"]:
        planned = _("planned: %(day)s") % {"day": _day(row["next_planned"], days, short_date)}
        last += f'<div class="small text-body-secondary" data-testid="next-planned">{planned}</div>'
    items = _number(row["open_items"], separated)
    overdue = row["overdue_items"]
    if overdue:
        counted = ngettext("%(counter)s overdue", "%(counter)s overdue", overdue) % {
            "counter": _number(overdue, separated)
        }
        items += f' <span class="badge text-bg-danger">{counted}</span>'
    trajectory = row["trajectory"]
    reading = labels.get(f"reading:{trajectory.reading}")
    if reading is None:
        reading = labels[f"reading:{trajectory.reading}"] = escape(trajectory.label)
    warning = "table-warning" if days_since is None or days_since > 30 else ""
    return mark_safe(  # noqa: S308 - every value in it is escaped above
        f'<tr class="{warning}" data-person="{pk}">'
        f'<td data-label=""><a class="fw-semibold" href="{timeline}">{name}</a>'
        f'<div class="small text-body-secondary">{job_title}{page_link}</div></td>'
        f'<td data-label="{labels["last_session"]}">{last}</td>'
        f'<td class="text-end" data-label="{labels["days_since"]}">'
        f"{'—' if days_since is None else _number(days_since, separated)}</td>"
        f'<td class="text-end" data-label="{labels["sessions"]}">'
        f"{_number(row['sessions'], separated)}</td>"
        f'<td class="text-end" data-label="{labels["open_items"]}">{items}</td>'
        f'<td data-testid="overview-trajectory" data-label="{labels["trajectory"]}">'
        f'<a class="badge text-decoration-none {escape(trajectory.style)}" '
        f'href="{timeline}#trajectory">{reading}</a></td>'
        f'<td class="text-end text-nowrap card-action"><a class="btn btn-sm btn-outline-primary" '
        f'href="{session_new}?employee={pk}">'
        f"{labels['log_session']}</a></td></tr>"
    )
