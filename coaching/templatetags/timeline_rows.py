"""A person's timeline's commonest entries (sessions, check-ins, action items), each
written in one step.

As ``coaching_rows`` writes the coaching overview's rows: through the template language
each entry cost a dozen variable lookups, filters and translated literals, more than the
data behind it. The markup is exactly what ``coaching/timeline.html`` wrote for them
(the standard library's escaping is the same that Django's ``escape`` applies;
translated literals are not escaped, as ``{% translate %}`` leaves them). The rarer
entries (improvement plans, their reviews, performance facts) stay in the template.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from plans.templatetags.plans_tags import measured

register = template.Library()

_TEXTS: dict[str | None, dict[str, str]] = {}


def _texts(language: str | None) -> dict[str, str]:
    """The entries' fixed texts, translated once per language."""
    found = _TEXTS.get(language)
    if found is None:
        found = {
            "planned": pgettext("session badge", "planned"),
            "checkin": _("Check-in"),
            "confidence": _("confidence"),
            "action": _("Action item"),
            "withdrawn": _("withdrawn: the owner left"),
            "done": _("done"),
            "overdue": _("overdue"),
            "open": _("open"),
        }
        _TEXTS[language] = found
    return found


def _session(event: dict[str, Any], texts: dict[str, str], question_total: int) -> str:
    session = event["session"]
    planned = f' <span class="badge text-bg-info">{texts["planned"]}</span>'
    minutes = session.duration_minutes
    duration = ngettext("%(counter)s minute", "%(counter)s minutes", minutes) % {"counter": minutes}
    coach = session.coach
    line = (
        f'\n      <a href="{escape(session.get_absolute_url())}" class="fw-semibold">'
        f"{escape(str(session.get_type_display()))}</a>"
        f"{planned if session.is_planned else ''}"
        f" · {duration}"
        f" · {escape(coach.full_name) if coach is not None else ''}"
    )
    answered = session.questions_answered
    if answered:
        coverage = ngettext(
            "%(answered)s of %(total)s question answered",
            "%(answered)s of %(total)s questions answered",
            question_total,
        ) % {"answered": answered, "total": question_total}
        line += f' · <span class="small" data-testid="question-coverage">{coverage}</span>'
    note = ""
    if event["content"] and session.note:
        note = f"<div>{escape(Truncator(session.note).chars(160))}</div>"
    return f"{line}\n      {note}\n    \n    "


def _checkin(event: dict[str, Any], texts: dict[str, str]) -> str:
    checkin = event["checkin"]
    objective = checkin.objective
    return (
        f'\n      {texts["checkin"]}: <a href="{escape(objective.get_absolute_url())}">'
        f"{escape(objective.title)}</a> → {escape(measured(checkin.value, objective))}"
        f" · {texts['confidence']} {checkin.confidence}/5\n    \n    "
    )


def _action(event: dict[str, Any], texts: dict[str, str]) -> str:
    item = event["item"]
    owner = item.owner
    if item.is_withdrawn:
        state = texts["withdrawn"]
    elif item.is_done:
        state = f'<span class="text-success">{texts["done"]}</span>'
    elif item.is_overdue:
        state = f'<span class="text-danger">{texts["overdue"]}</span>'
    else:
        state = texts["open"]
    return (
        f"\n      {texts['action']}: {escape(item.title)}"
        f" · {escape(owner.full_name) if owner is not None else ''} · {state}\n    "
    )


@register.simple_tag(takes_context=True)
def timeline_entry(context: template.Context, event: dict[str, Any]) -> SafeString:
    """The whole ``<li>`` of a timeline entry of kind "session", "checkin" or "action"
    (``event`` as ``coaching.views.overview.person_timeline`` builds it; a session's
    needs the context's ``question_total``); an empty string for any other kind, which
    the template writes itself."""
    kind = event["kind"]
    texts = _texts(get_language())
    if kind == "session":
        body = _session(event, texts, int(context["question_total"]))
    elif kind == "checkin":
        body = _checkin(event, texts)
    elif kind == "action":
        body = _action(event, texts)
    else:
        return SafeString("")
    day = escape(date_format(event["on"], "SHORT_DATE_FORMAT"))
    return mark_safe(  # noqa: S308 - every value in it is escaped above
        f'<li class="list-group-item" data-kind="{kind}">\n'
        f'    <div class="small text-body-secondary">{day}</div>\n'
        f"    {body}\n  </li>"
    )
