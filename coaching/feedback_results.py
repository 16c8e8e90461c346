"""What upward feedback shows (issue 18 §2): a fixed group's results, or nothing.

Results exist only for a group — one manager's settled team as fixed when the round
opened — only once the round is closed, and only when at least the round's
``min_answers`` of its people answered who are *not* in HR: the people who read every
group's results may answer, but their answers never help reveal anyone else's (HR as
it is when the results are read, counted from the participations, never from the
answer sheets). Below that, nothing is said about who or how many answered.

Nothing here takes a filter, a date range or a page: every page that shows results
(HR's round, the manager's own page and panel, the HR dashboard) asks
``group_results`` for whole groups, so two views never differ by a subset of people.
Comments come in a fresh random order on every call (``random.SystemRandom``), never
in the order they were written.

A fixed number of queries whatever the number of groups: answered counts, questions,
score counts and comments, one query each.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string

from accounts.extensions import PagePanel
from accounts.models import HR_GROUP_NAME, User
from coaching.feedback import groups_of_manager
from coaching.feedback_models import (
    FeedbackAnswer,
    FeedbackGroup,
    FeedbackParticipation,
    FeedbackQuestion,
    FeedbackRound,
)

SCORES = (1, 2, 3, 4, 5)
_random = random.SystemRandom()


def shuffled(items: list[str]) -> list[str]:
    """``items`` in a random order that no one can reproduce or predict."""
    items = list(items)
    _random.shuffle(items)
    return items


@dataclass
class QuestionResult:
    question: FeedbackQuestion
    counts: list[int]  # how many gave each score, 1 to 5
    comments: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> Decimal | None:
        """The mean score to one decimal; None when nobody scored this question."""
        if not self.total:
            return None
        exact = Decimal(sum(s * n for s, n in zip(SCORES, self.counts, strict=True)))
        return (exact / self.total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def rows(self) -> list[tuple[int, int]]:
        return list(zip(SCORES, self.counts, strict=True))


@dataclass
class GroupResult:
    group: FeedbackGroup
    answered: int  # everyone who answered: shown only with the results
    counted: int = 0  # who answered and is not in HR: what the threshold counts
    eligible: int = 0  # who was invited and is not in HR
    questions: list[QuestionResult] = field(default_factory=list)

    @property
    def scores(self) -> tuple[int, ...]:
        return SCORES

    @property
    def round(self) -> FeedbackRound:
        return self.group.round

    @property
    def is_open(self) -> bool:
        return self.group.round.state == FeedbackRound.State.OPEN

    @property
    def shown(self) -> bool:
        """Results show only for a closed round where enough people outside HR answered."""
        closed = self.group.round.state == FeedbackRound.State.CLOSED
        return closed and self.counted >= self.group.round.min_answers

    @property
    def below_threshold(self) -> bool:
        return self.group.round.state == FeedbackRound.State.CLOSED and not self.shown

    @property
    def too_small(self) -> bool:
        """Fewer people outside HR were invited than the round needs: never shown."""
        return self.eligible < self.group.round.min_answers

    @property
    def chart_key(self) -> str:
        return f"feedback-{self.group.pk}"

    @property
    def overall_mean(self) -> Decimal | None:
        means = [q.mean for q in self.questions if q.mean is not None]
        if not means:
            return None
        return (sum(means, Decimal(0)) / len(means)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def group_results(groups: list[FeedbackGroup]) -> list[GroupResult]:
    """The results of each group (load ``round``), in the order given; scores and
    comments only for the groups whose results show (``GroupResult.shown``)."""
    if not groups:
        return []
    ids = [group.pk for group in groups]
    in_hr = User.groups.through.objects.filter(
        user_id=OuterRef("employee_id"), group__name=HR_GROUP_NAME
    )
    counts = {
        group_id: (answered, counted, eligible)
        for group_id, answered, counted, eligible in FeedbackParticipation.objects.filter(
            group_id__in=ids
        )
        .annotate(in_hr=Exists(in_hr))
        .order_by()
        .values("group_id")
        .annotate(
            # In HR now or when the round opened: either way, never counted.
            n_answered=Count("pk", filter=Q(answered=True)),
            n_counted=Count("pk", filter=Q(answered=True, in_hr=False, reads_results=False)),
            n_eligible=Count("pk", filter=Q(in_hr=False, reads_results=False)),
        )
        .values_list("group_id", "n_answered", "n_counted", "n_eligible")
    }
    results = []
    for group in groups:
        answered, counted, eligible = counts.get(group.pk, (0, 0, 0))
        results.append(GroupResult(group, answered, counted=counted, eligible=eligible))
    shown = {result.group.pk: result for result in results if result.shown}
    if not shown:
        return results
    round_ids = {result.group.round_id for result in shown.values()}
    questions: dict[int, list[FeedbackQuestion]] = {}
    for question in FeedbackQuestion.objects.filter(round_id__in=round_ids).order_by(
        "position", "pk"
    ):
        questions.setdefault(question.round_id, []).append(question)
    by_key: dict[tuple[int, int], QuestionResult] = {}
    for result in shown.values():
        for question in questions.get(result.group.round_id, []):
            entry = QuestionResult(question=question, counts=[0] * len(SCORES))
            result.questions.append(entry)
            by_key[(result.group.pk, question.pk)] = entry
    answers = FeedbackAnswer.objects.filter(response__group_id__in=list(shown)).order_by()
    for group_id, question_id, score, number in (
        answers.values("response__group_id", "question_id", "score")
        .annotate(n=Count("pk"))
        .values_list("response__group_id", "question_id", "score", "n")
    ):
        found = by_key.get((group_id, question_id))
        if found is not None and score in SCORES:
            found.counts[score - 1] += number
    comments: dict[tuple[int, int], list[str]] = {}
    for group_id, question_id, comment in answers.exclude(comment="").values_list(
        "response__group_id", "question_id", "comment"
    ):
        comments.setdefault((group_id, question_id), []).append(comment)
    for key, texts in comments.items():
        if key in by_key:
            by_key[key].comments = shuffled(texts)
    return results


def results_charts(results: list[GroupResult]) -> dict[str, Any]:
    """Chart data for each shown group (``static/js/charts.js``): per question, how many
    gave each score; the table beside each chart shows the same numbers."""
    charts: dict[str, Any] = {}
    for result in results:
        if not result.shown:
            continue
        charts[result.chart_key] = {
            "labels": [f"Q{index}" for index, _q in enumerate(result.questions, start=1)],
            "series": {
                str(score): [q.counts[score - 1] for q in result.questions] for score in SCORES
            },
        }
    return charts


def person_feedback_panel(user: User, person: User) -> list[PagePanel]:
    """On a manager's own person page, and theirs alone: their groups' results, round
    by round (HR reads them on each round's page; nobody else reads them)."""
    if user.pk != person.pk:
        return []
    groups = groups_of_manager(person)
    if not groups:
        return []
    context = {"results": group_results(groups)}
    return [PagePanel(render_to_string("coaching/_feedback_panel.html", context))]


# The HR dashboard shows the last this many closed rounds, and this many managers,
# lowest in the latest round first (every group stays on its round's page).
DASHBOARD_ROUNDS = 4
DASHBOARD_MANAGERS = 20


@dataclass
class ManagerTrend:
    manager: User
    means: list[Decimal | None]  # per round, newest first: None where nothing shows


@dataclass
class FeedbackSummary:
    rounds: list[FeedbackRound]  # the last closed rounds, newest first (leftmost on a phone)
    rows: list[ManagerTrend]  # at most DASHBOARD_MANAGERS
    rows_total: int
    below: int  # groups of the latest round whose results do not show

    @property
    def latest(self) -> FeedbackRound:
        return self.rounds[0]


def feedback_summary() -> FeedbackSummary | None:
    """Results per manager over the last ``DASHBOARD_ROUNDS`` closed rounds, for the HR
    dashboard: each round's overall mean of a group only where its results show (never
    a figure summed over groups, which would count the groups below). A manager is
    listed when at least one of their groups shows; the lowest latest mean first."""
    rounds = list(
        FeedbackRound.objects.filter(state=FeedbackRound.State.CLOSED).order_by(
            "-closes_on", "-pk"
        )[:DASHBOARD_ROUNDS]
    )
    if not rounds:
        return None
    groups = list(
        FeedbackGroup.objects.filter(round__in=rounds)
        .select_related("round", "manager")
        .order_by("manager__full_name", "manager_id")
    )
    results = group_results(groups)
    column = {feedback_round.pk: index for index, feedback_round in enumerate(rounds)}
    rows: dict[int, ManagerTrend] = {}
    below = 0
    for result in results:
        index = column[result.group.round_id]
        if not result.shown:
            below += index == 0
            continue
        manager = result.group.manager
        row = rows.setdefault(manager.pk, ManagerTrend(manager, [None] * len(rounds)))
        row.means[index] = result.overall_mean
    listed = sorted(
        rows.values(),
        key=lambda row: (row.means[0] is None, row.means[0] or 0, row.manager.full_name),
    )
    return FeedbackSummary(
        rounds=rounds, rows=listed[:DASHBOARD_MANAGERS], rows_total=len(listed), below=below
    )
