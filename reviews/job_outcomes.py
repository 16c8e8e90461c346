"""What a background job did: kept as data, worded in the reader's language when shown.

A run records each thing it did as a small dict, a message key (``say``) and its
numbers (``JobRun.report``); the jobs page words it with ``outcome_lines`` in the
language of whoever reads it, not in the worker's. ``JobRun.detail`` keeps the plain
English line for logs, the command line and Celery's result; it is also what the page
shows for a run recorded before the report existed, and for a failure (the error's
own text, which no translation covers).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reviews.models import JobRun

Outcome = dict[str, Any]

# The reminders by kind (``Reminder.kind``), as the jobs page names them.
REMINDER_KINDS = {
    "review_due_soon": gettext_lazy("Review tables due soon"),
    "review_overdue": gettext_lazy("Overdue review tables, to the assessee"),
    "review_overdue_manager": gettext_lazy("Overdue review tables, to the manager"),
    "review_overdue_hr": gettext_lazy("Overdue review tables, to HR"),
    "action_due": gettext_lazy("Action items due"),
    "action_overdue": gettext_lazy("Overdue action items"),
    "follow_up": gettext_lazy("Follow-ups due"),
    "not_coached": gettext_lazy("People nobody has coached"),
    "plan_review_soon": gettext_lazy("Improvement plan reviews tomorrow"),
    "plan_review_today": gettext_lazy("Improvement plan reviews today"),
    "plan_outcome_due": gettext_lazy("Improvement plans needing their outcome"),
    "checkpoint_open": gettext_lazy("Checkpoints still to talk through (weekly)"),
    "weekly_digest": gettext_lazy("Weekly digests"),
    "result_published": gettext_lazy("Results published, to each person"),
    "feedback_invited": gettext_lazy("Upward feedback invitations"),
}


def tables_generated(
    *, cycle: str, month: dt.date, tables: int, rows: int, carried: int
) -> Outcome:
    return {
        "say": "tables_generated",
        "cycle": cycle,
        "month": month.isoformat(),
        "tables": tables,
        "rows": rows,
        "carried": carried,
    }


def progress_restated(*, count: int) -> Outcome:
    return {"say": "progress_restated", "count": count}


def targets_checked(*, checked: int, missed: int, opened: int) -> Outcome:
    return {"say": "targets_checked", "checked": checked, "missed": missed, "opened": opened}


def results_prepared(*, cycle: str, created: int, refreshed: int) -> Outcome:
    return {"say": "results_prepared", "cycle": cycle, "created": created, "refreshed": refreshed}


def reminders_sent(*, kind: str, count: int) -> Outcome:
    return {"say": "reminders_sent", "kind": kind, "count": count}


def feedback_rounds_closed(*, round: str) -> Outcome:
    return {"say": "feedback_round_closed", "round": round}


def nothing_due() -> Outcome:
    return {"say": "nothing_due"}


def digests_sent(*, count: int) -> Outcome:
    return {"say": "digests_sent", "count": count}


def outcome_text(outcome: Outcome) -> str:
    """One thing a run did, in the active language."""
    say = outcome["say"]
    if say == "tables_generated":
        tables, rows, carried = outcome["tables"], outcome["rows"], outcome["carried"]
        done = [
            ngettext("%(n)s table created", "%(n)s tables created", tables) % {"n": tables},
            ngettext("%(n)s row", "%(n)s rows", rows) % {"n": rows},
            ngettext(
                "%(n)s work plan item carried over", "%(n)s work plan items carried over", carried
            )
            % {"n": carried},
        ]
        month = date_format(dt.date.fromisoformat(outcome["month"]), "YEAR_MONTH_FORMAT")
        return _("%(cycle)s, %(month)s: %(done)s") % {
            "cycle": outcome["cycle"],
            "month": month,
            "done": ", ".join(done),
        }
    if say == "progress_restated":
        count = outcome["count"]
        return ngettext(
            "Progress restated: %(n)s objective changed state.",
            "Progress restated: %(n)s objectives changed state.",
            count,
        ) % {"n": count}
    if say == "targets_checked":
        checked, missed, opened = outcome["checked"], outcome["missed"], outcome["opened"]
        return _("Time nodes: %(checked)s, %(missed)s, %(opened)s.") % {
            "checked": ngettext(
                "%(n)s phase target checked", "%(n)s phase targets checked", checked
            )
            % {"n": checked},
            "missed": ngettext("%(n)s missed", "%(n)s missed", missed) % {"n": missed},
            "opened": ngettext("%(n)s checkpoint opened", "%(n)s checkpoints opened", opened)
            % {"n": opened},
        }
    if say == "results_prepared":
        return _("Results of %(cycle)s: %(created)s new, %(refreshed)s with changed figures.") % {
            "cycle": outcome["cycle"],
            "created": outcome["created"],
            "refreshed": outcome["refreshed"],
        }
    if say == "reminders_sent":
        kind = outcome["kind"]
        return _("%(what)s: %(count)s sent") % {
            "what": REMINDER_KINDS.get(kind, kind),
            "count": outcome["count"],
        }
    if say == "nothing_due":
        return _("Nothing was due.")
    if say == "feedback_round_closed":
        return _("Upward feedback round closed: %(round)s.") % {"round": outcome["round"]}
    if say == "digests_sent":
        count = outcome["count"]
        return ngettext("%(n)s digest sent.", "%(n)s digests sent.", count) % {"n": count}
    raise ValueError(say)


def outcome_lines(run: JobRun) -> list[str]:
    """What ``run`` did, line by line, in the active language; a run recorded before
    ``report`` existed (or a failure) as its stored text."""
    if not run.report:
        return [line for line in run.detail.splitlines() if line.strip()]
    lines = []
    for outcome in run.report:
        try:
            lines.append(outcome_text(outcome))
        except (KeyError, TypeError, ValueError):
            lines.append(str(outcome))  # written by a later version: shown as it is
    return lines


def outcome_log(outcomes: list[Outcome]) -> str:
    """The plain English lines of ``outcomes``, for ``JobRun.detail``."""
    with translation.override("en"):
        return "\n".join(outcome_text(outcome) for outcome in outcomes)
