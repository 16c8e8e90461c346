"""Small pieces of markup repeated on every row of the plan and team tables.

Filters instead of included templates: a team page shows hundreds of values,
and an ``{% include %}`` per value costs more than the rest of the row.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any, NamedTuple

from django import template
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.links import named_url, pk_url_parts
from accounts.permissions import may_link_person_id
from accounts.rounding import round_half_up
from plans.permissions import can_open_carried_origin
from plans.selectors import ProgressState, plan_for

register = template.Library()


CENT = Decimal("0.01")


def _number(value: Decimal, separator: str | None = None) -> str:
    """Like ``floatformat:"-2"`` (two decimals, none for a whole number), in a third of the time.

    ``separator``: the active language's decimal separator, if the caller has it at hand."""
    if isinstance(value, Decimal) and value.is_finite():
        rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)  # round_half_up, inlined
    else:
        rounded = round_half_up(value, 2)
    if rounded == rounded.to_integral_value():
        return str(int(rounded))
    if separator is None:
        separator = str(get_format("DECIMAL_SEPARATOR"))
    return f"{rounded:.2f}".replace(".", separator)


@register.filter
def measured(value: Decimal | None, subject: Any) -> str:
    """A value in its objective's (or review row's) measure: "12.5 orders", "80 %", "done"."""
    return _measured(value, subject)


def _measured(value: Decimal | None, subject: Any, separator: str | None = None) -> str:
    """``measured``, given the decimal separator where the caller has it at hand."""
    if value is None:
        return "—"
    measure = getattr(subject, "measure", "")
    if measure == "milestone":
        return _("done") if value >= 1 else _("not done")
    number = _number(value, separator)
    if measure == "percent":
        return f"{number} %"
    unit = getattr(subject, "unit", "")
    return f"{number} {unit}" if unit else str(number)


_CELL_LABELS: dict[str | None, tuple[str, str, str, str]] = {}


def _cell_labels(language: str | None) -> tuple[str, str, str, str]:
    """The four columns' ``data-label`` attributes, translated once per language (not
    once per row: a team page has hundreds of rows)."""
    found = _CELL_LABELS.get(language)
    if found is None:
        found = (
            f' data-label="{escape(_("Weight"))}"',
            f' data-label="{escape(_("Plan for today"))}"',
            f' data-label="{escape(_("Actual"))}"',
            f' data-label="{escape(_("Progress"))}"',
        )
        _CELL_LABELS[language] = found
    return found


_BADGES: dict[tuple[str | None, str], str] = {}


def _badge(progress: Any, language: str | None = None) -> str:
    """The state's badge, built once per language and state (``language``: the active one,
    if the caller has it at hand)."""
    key = (language or get_language(), str(progress.state))
    found = _BADGES.get(key)
    if found is None:
        state = escape(key[1])
        found = (
            f'<span class="badge progress-{state}" data-state="{state}">'
            f"{escape(progress.label)}</span>"
        )
        _BADGES[key] = found
    return found


@register.filter
def progress_badge(progress: Any) -> SafeString:
    return mark_safe(_badge(progress))  # noqa: S308 - escaped in _badge


def _objective_cells(
    objective: Any,
    progress: Any,
    *,
    title: bool,
    labels: bool,
    language: str | None = None,
    url_parts: tuple[str, str] | None = None,
    separator: str | None = None,
) -> str:
    """The cells of ``progress_cells`` as a plain (escaped) string. A caller writing many
    rows passes the active ``language``, the objective page's ``url_parts``
    (``pk_url_parts``) and the decimal ``separator``, looked up once."""
    language = language or get_language()
    weight, planned, actual, state = _cell_labels(language) if labels else ("", "", "", "")
    plan_now = escape(_measured(progress.planned, objective, separator))
    actual_now = escape(_measured(progress.actual, objective, separator))
    cells = (
        f'<td class="text-end"{weight}>{int(objective.weight)}</td>'
        f'<td class="text-end"{planned}>{plan_now}</td>'
        f'<td class="text-end"{actual}>{actual_now}</td>'
        f"<td{state}>{_badge(progress, language)}</td>"
    )
    if title:
        if url_parts is None:
            link = escape(objective.get_absolute_url())
        else:
            link = escape(f"{url_parts[0]}{int(objective.pk)}{url_parts[1]}")
        badge = _carried(objective, link=True) if objective.carried_from_id else ""
        cells = f'<td><a href="{link}">{escape(objective.title)}</a>{badge}</td>{cells}'
    return cells


@register.simple_tag
def progress_cells(
    objective: Any, progress: Any, *, title: bool = False, labels: bool = False
) -> SafeString:
    """Weight, plan for today, actual and state: the four cells every objective row shows.

    With ``title``, the objective's linked title first. With ``labels``, each figure
    carries its column's name (``data-label``) for a ``.table-cards`` table, whose
    rows become cards on a phone. Built here in one step, as the admin builds its
    change-list cells: a team page has hundreds of these rows, so plain string
    building with the standard library's escaping (the same that Django's
    ``escape`` applies) rather than ``format_html``.
    """
    cells = _objective_cells(objective, progress, title=title, labels=labels)
    return mark_safe(cells)  # noqa: S308 - every value in it is escaped above


_TEAM_TEXTS: dict[str | None, tuple[str, str, str, str, str]] = {}


def _team_texts(language: str | None) -> tuple[str, str, str, str, str]:
    """The fixed texts of a Team page's person cell, translated once per language.

    Translated texts are not escaped, as ``{% translate %}`` leaves them; the label of
    the link to a person's page is, as ``person_page_link`` escapes it."""
    found = _TEAM_TEXTS.get(language)
    if found is None:
        found = (
            f'<span class="text-success" data-testid="plan-agreed">{_("plan agreed")}</span>',
            '<span class="badge text-bg-warning" data-testid="plan-not-agreed">'
            f"{_('plan not agreed')}</span>",
            _("No objectives in this cycle yet."),
            _("Add one"),
            escape(_("Person's page")),
        )
        _TEAM_TEXTS[language] = found
    return found


class _TeamPage(NamedTuple):
    """What every person's rows of one Team page share, looked up once per page."""

    language: str | None
    texts: tuple[str, str, str, str, str]
    objective_url_parts: tuple[str, str]
    person_url_parts: tuple[str, str]
    separator: str
    viewer: Any


_TEAM_PAGE_KEY = "plans_tags.team_page"


def _team_page(context: template.Context) -> _TeamPage:
    """This page's ``_TeamPage``, kept in the template's render context (one render)."""
    found: _TeamPage | None = context.render_context.get(_TEAM_PAGE_KEY)
    if found is None:
        language = get_language()
        found = _TeamPage(
            language=language,
            texts=_team_texts(language),
            objective_url_parts=pk_url_parts("plans:objective_detail"),
            person_url_parts=pk_url_parts("accounts:person_detail"),
            separator=str(get_format("DECIMAL_SEPARATOR")),
            # A section rendered apart from the request names its viewer (person_page_link).
            viewer=context.get("viewer") or getattr(context.get("request"), "user", None),
        )
        context.render_context[_TEAM_PAGE_KEY] = found
    return found


@register.simple_tag(takes_context=True)
def team_person_rows(
    context: template.Context, row: dict[str, Any], cycle: Any, indirect: bool
) -> SafeString:
    """One person's rows of the Team page (the inside of their ``<tbody>``): the person
    cell spanning their objectives' rows, each objective's cells; or, without
    objectives, the person and the "add one" link while the cycle is open.

    Built in one step like ``progress_cells``: the page shows 50 people and 250
    objectives, and a template loop with a tag per objective cost more than the data.
    ``row`` is the view's (``person``, ``pk``, ``url``, ``items``, ``lagging``,
    ``lagging_label``, ``weight_total``, ``agreed``: both sides agreed the person's plan).
    """
    page = _team_page(context)
    agreed, not_agreed, no_objectives, add_one, page_label = page.texts
    person = row["person"]
    pk = int(row["pk"])
    items = row["items"]
    name = escape(person.full_name)
    job_title = escape(person.job_title)
    person_url = f"{escape(row['url'])}?cycle={int(cycle.pk)}"
    # ``person_page_link``'s link, with its label translated and its path reversed once.
    page_link = ""
    if page.viewer is not None and may_link_person_id(page.viewer, pk, is_active=person.is_active):
        before, after = page.person_url_parts
        page_link = (
            f'<a href="{escape(before)}{pk}{escape(after)}" data-person-page="{pk}">'
            f'{page_label}<span class="visually-hidden">: {name}</span></a>'
        )
    if not items:
        add = ""
        if not cycle.is_closed:
            new_url = named_url("plans:objective_new")
            add = f' <a href="{new_url}?cycle={int(cycle.pk)}&amp;employee={pk}">{add_one}</a>'
        return mark_safe(  # noqa: S308 - every value in it is escaped above
            f'<tr data-person="{pk}">\n'
            f'<td class="team-person"><a href="{person_url}" class="fw-semibold">{name}</a>'
            f'<div class="small text-body-secondary">{job_title} · {page_link}</div></td>\n'
            f'<td colspan="5" class="text-body-secondary">{no_objectives}{add}</td>\n</tr>'
        )
    manager = person.manager if indirect else None
    reports_to = (
        " · " + _("reports to %(name)s") % {"name": escape(manager.full_name)} if manager else ""
    )
    status = agreed if row["agreed"] else not_agreed
    if row["weight_total"] != 100:
        total = _("weights %(total)s/100") % {"total": int(row["weight_total"])}
        status += f' · <span class="text-danger">{total}</span>'
    if row["lagging"]:
        status += f' · <span class="text-danger fw-semibold">{escape(row["lagging_label"])}</span>'
    person_cell = (
        f'<td rowspan="{len(items)}" class="team-person">\n'
        f'<a href="{person_url}" class="fw-semibold">{name}</a>\n'
        f'<div class="small text-body-secondary">{job_title}{reports_to} · {page_link}</div>\n'
        f'<div class="small">\n{status}\n</div>\n</td>\n'
    )
    lines = []
    for objective, progress in items:
        lagging = "table-warning" if progress.state == ProgressState.LAGGING else ""
        cells = _objective_cells(
            objective,
            progress,
            title=True,
            labels=True,
            language=page.language,
            url_parts=page.objective_url_parts,
            separator=page.separator,
        )
        lines.append(f'<tr class="{lagging}" data-person="{pk}">\n{person_cell}{cells}\n</tr>')
        person_cell = ""
    return mark_safe("\n".join(lines))  # noqa: S308 - every value in it is escaped above


def _carried(objective: Any, *, link: bool) -> str:
    """ " carried from 2026", linked to the original where the reader may open it."""
    origin = objective.carried_from
    label = escape(_("carried from %(cycle)s") % {"cycle": origin.cycle.name})
    if link and can_open_carried_origin(objective, reads_copy=True):
        title = escape(_("Open the objective it was carried forward from"))
        return (
            f' <a class="badge text-bg-light border text-decoration-none" '
            f'href="{escape(origin.get_absolute_url())}" title="{title}" '
            f'data-testid="carried-from">{label}</a>'
        )
    return f' <span class="badge text-bg-light border" data-testid="carried-from">{label}</span>'


@register.simple_tag
def carried_badge(objective: Any, *, link: bool = False) -> SafeString:
    """The "carried from <cycle>" badge of an objective carried forward (issue 17 §2);
    nothing for the others. ``link``: the reader may open ``objective``, so also its
    original where ``can_open_carried_origin`` says so. Needs ``carried_from__cycle``
    loaded (``select_related``) on a list.
    """
    if objective is None or not objective.carried_from_id:
        return mark_safe("")  # noqa: S308 - empty
    return mark_safe(_carried(objective, link=link))  # noqa: S308 - escaped in _carried


@register.simple_tag
def plan_not_agreed_badge(cycle: Any, employee: Any, department: Any) -> SafeString:
    """A small badge where the subject's plan in ``cycle`` is not agreed by both sides
    (no plan record at all counts as not agreed); nothing where it is. One query.

    For pages of higher apps (a monthly review table) that show a subject in a cycle.
    """
    if cycle is None or (employee is None and department is None):
        return mark_safe("")  # noqa: S308 - empty
    plan = plan_for(cycle=cycle, employee=employee, department=department)
    if plan is not None and plan.is_agreed:
        return mark_safe("")  # noqa: S308 - empty
    title = escape(_("Both sides have not confirmed this plan yet, or a change cleared it."))
    label = escape(_("plan not agreed"))
    return mark_safe(  # noqa: S308 - escaped above
        f'<span class="badge text-bg-warning" title="{title}" '
        f'data-testid="plan-not-agreed">{label}</span>'
    )
