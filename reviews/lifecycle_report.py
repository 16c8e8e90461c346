"""What a move or an off-boarding did (``reviews.lifecycle``), for the page, the
import and the admin to show in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import ngettext_lazy


@dataclass
class LifecycleReport:
    """What a move or an off-boarding did, for the page, the import and the admin to show."""

    moved: list[int] = field(default_factory=list)
    left: list[int] = field(default_factory=list)
    returned: list[int] = field(default_factory=list)
    drafts_routed: int = 0
    plans_reopened: int = 0
    objectives_flagged: int = 0
    tables_withdrawn: int = 0
    tables_reopened: int = 0
    items_withdrawn: int = 0
    items_reassigned: int = 0
    reviews_handed_over: int = 0
    # (department id, new head id or None): the departments a leaver headed.
    heads_named: list[tuple[int, int | None]] = field(default_factory=list)
    # (report id, new manager id or None): the reports of people who left, for HR to confirm.
    reports_moved: list[tuple[int, int | None]] = field(default_factory=list)

    def __str__(self) -> str:
        """What was done, in one sentence of the reader's language (empty: nothing)."""
        return report_summary(self)

    def merge(self, other: LifecycleReport) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            setattr(self, name, mine + value)


_SUMMARY_PARTS = (
    (
        "tables_withdrawn",
        ngettext_lazy("%(n)d open table withdrawn", "%(n)d open tables withdrawn", "n"),
    ),
    (
        "tables_reopened",
        ngettext_lazy(
            "%(n)d table withdrawn when they left is theirs again",
            "%(n)d tables withdrawn when they left are theirs again",
            "n",
        ),
    ),
    (
        "drafts_routed",
        ngettext_lazy(
            "%(n)d draft table sent to the new reviewer",
            "%(n)d draft tables sent to the new reviewer",
            "n",
        ),
    ),
    (
        "plans_reopened",
        ngettext_lazy(
            "%(n)d plan waits for the new manager's confirmation",
            "%(n)d plans wait for the new manager's confirmation",
            "n",
        ),
    ),
    (
        "objectives_flagged",
        ngettext_lazy(
            "%(n)d objective's alignment to be checked",
            "%(n)d objectives' alignment to be checked",
            "n",
        ),
    ),
    (
        "reports_moved",
        ngettext_lazy(
            "%(n)d report moved to a new manager", "%(n)d reports moved to a new manager", "n"
        ),
    ),
    (
        "heads_named",
        ngettext_lazy("%(n)d department has a new head", "%(n)d departments have a new head", "n"),
    ),
    (
        "reviews_handed_over",
        ngettext_lazy("%(n)d review handed over", "%(n)d reviews handed over", "n"),
    ),
    (
        "items_withdrawn",
        ngettext_lazy("%(n)d open action item withdrawn", "%(n)d open action items withdrawn", "n"),
    ),
    (
        "items_reassigned",
        ngettext_lazy(
            "%(n)d action item handed to the coachee's manager",
            "%(n)d action items handed to the coachee's manager",
            "n",
        ),
    ),
)


def report_summary(report: LifecycleReport) -> str:
    """What a move or an off-boarding did, in one sentence of the reader's language
    (parts joined by "; "; empty when nothing was done)."""
    parts = []
    for name, message in _SUMMARY_PARTS:
        value = getattr(report, name)
        count = value if isinstance(value, int) else len(value)
        if count:
            parts.append(str(message % {"n": count}))
    return "; ".join(parts)
