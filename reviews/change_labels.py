"""The review history's changes: stored under field names, labelled in the reader's language.

A change event (``ReviewEvent.changes``) maps a *key* to ``[before, after]``. The
key is a field name (``summary``, ``rating``, ``reviewer``...) or, for what belongs
to one row or work-plan line, ``"<field>|<title>"`` (``actual|Orders won``,
``work_plan|Call ten clients``). It is worded when shown, so a Chinese reader sees
Chinese labels whoever made the change.

Rows written before this held the writer's label (``"Orders won · actual"``,
``"Summary"``, or their Chinese wording): those labels are recognised in every
language the product speaks and shown in the reader's, and anything else is shown
as stored. No data migration is needed, and none may ever be: a label not
recognised stays readable.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext

# Imported by reviews.models at its end, once these are defined.
from reviews.models import ReviewRow, ReviewTable, WorkPlanItem, rating_label

SEPARATOR = "|"
# Per-row and per-line fields, stored as "<field>|<title>".
ROW_FIELDS = ("actual", "gap_reason", "gap_reason_outside")
WORK_PLAN = "work_plan"
OUTCOME = "outcome"
# Values the product writes itself (a work-plan line added or removed): worded when shown.
ADDED, REMOVED = "added", "removed"


def change_key(field: str, title: str | None = None) -> str:
    """The key a change is stored under: ``field``, or ``field|title`` for a row or a line."""
    return field if title is None else f"{field}{SEPARATOR}{title}"


def _field_label(field: str) -> str:
    """A field's label in the active language; ``""`` for a name the history does not know."""
    if field == "summary":
        return gettext("Summary")
    if field == "reviewer":
        return gettext("Reviewer")
    if field == WORK_PLAN:
        return gettext("Work plan")
    for model in (ReviewTable, ReviewRow, WorkPlanItem):
        try:
            return str(capfirst(getattr(model._meta.get_field(field), "verbose_name", "")))
        except FieldDoesNotExist:
            continue
    return ""


KNOWN_FIELDS = (
    "summary",
    "reviewer_summary",
    "suggestions",
    "expectations",
    "rating",
    "reviewer",
    *ROW_FIELDS,
    OUTCOME,
)


@functools.cache
def _legacy_labels() -> tuple[dict[str, str], dict[str, str], set[str]]:
    """Labels older rows hold, in every language: ``(whole label -> field, " · suffix" ->
    field, {"Work plan · " prefixes})``. Old rows wrote a verbose name lower or capitalised."""
    whole: dict[str, str] = {}
    suffixes: dict[str, str] = {}
    prefixes: set[str] = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for field in KNOWN_FIELDS:
                label = _field_label(field)
                if not label:
                    continue
                for variant in {label, label[:1].lower() + label[1:]}:
                    whole[variant] = field
                    suffixes[f" · {variant}"] = field
            prefixes.add(f"{gettext('Work plan')} · ")
    return whole, suffixes, prefixes


def _parse(key: str) -> tuple[str, str | None] | None:
    """``(field, title)`` of a stored key, new or old; ``None`` if it is not recognised."""
    field, separator, title = key.partition(SEPARATOR)
    if separator and field in (*ROW_FIELDS, WORK_PLAN, OUTCOME):
        return field, title
    if not separator and field in KNOWN_FIELDS:
        return field, None
    whole, suffixes, prefixes = _legacy_labels()
    if key in whole:
        return whole[key], None
    for prefix in prefixes:
        if key.startswith(prefix):
            return WORK_PLAN, key.removeprefix(prefix)
    for suffix, field in suffixes.items():
        if key.endswith(suffix):
            return field, key.removesuffix(suffix)
    return None


def change_label(key: str) -> str:
    """How a stored change key reads in the active language (as stored if not recognised)."""
    parsed = _parse(key)
    if parsed is None:
        return key
    field, title = parsed
    label = _field_label(field)
    if title is None:
        return label
    if field == WORK_PLAN:
        return pgettext("review history", "Work plan · %(title)s") % {"title": title}
    return pgettext("review history", "%(title)s · %(field)s") % {"title": title, "field": label}


def change_value(key: str, value: object) -> str:
    """How a stored value reads: a rating, an outcome or "added"/"removed" in the reader's
    language, ``—`` for nothing, anything else as stored."""
    if value in (None, ""):
        return "—"
    text = str(value)
    parsed = _parse(key)
    field = parsed[0] if parsed else ""
    if field == WORK_PLAN and text in (ADDED, REMOVED):
        return gettext("added") if text == ADDED else gettext("removed")
    if field == WORK_PLAN:
        legacy = {gettext_in(code, ADDED): ADDED for code, _n in settings.LANGUAGES}
        legacy |= {gettext_in(code, REMOVED): REMOVED for code, _n in settings.LANGUAGES}
        if text in legacy:
            return change_value(key, legacy[text])
    if field == OUTCOME and text in WorkPlanItem.Outcome.values:
        return str(WorkPlanItem.Outcome(text).label)
    if field == "rating":
        return rating_label(text)
    return text


@functools.cache
def gettext_in(language: str, message: str) -> str:
    """``message`` in ``language`` (how an older row may have written a word)."""
    with translation.override(language):
        return gettext(message)
