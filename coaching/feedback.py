"""Upward feedback rounds (issue 18 §2): who may do what, and every change.

HR creates a round (three default questions, edited while it is a draft, or deleted),
opens it — not before its opening day, and never over the days of another open or
closed round (two rounds subtracted would reveal an answer): one group per manager,
fixed that day, with the people who have reported to them for ``SETTLED_DAYS`` days
(``coaching.feedback_groups``) — and closes it (or the daily job does, once its
closing date has passed; no answer is taken after the closing day either way; closed
early, its closing day becomes that day). Each
invited person answers once; the answer sheet carries no author and no time
(``coaching.feedback_models``), and only their participation row says they
answered. Results are in ``coaching.feedback_results``.

Who sees what:

- HR (only) lists, edits, opens and closes rounds and reads every group's results;
- an invited person answers their own sheet, once, while the round is open, and
  never sees it again;
- a manager reads the results of their own groups; nobody else reads any.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, QuerySet, Sum, Value
from django.db.models.functions import Greatest, Least
from django.forms import BaseModelFormSet, ModelForm
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.concurrency import version_claim
from accounts.data_versions import data_changed
from accounts.links import named_url
from accounts.models import HR_GROUP_NAME, User
from accounts.notifications import Reminder, reminders_send
from accounts.selectors import user_roles
from accounts.texts import day_param
from coaching.feedback_groups import settled_reports
from coaching.feedback_models import (
    FeedbackAnswer,
    FeedbackGroup,
    FeedbackParticipation,
    FeedbackQuestion,
    FeedbackResponse,
    FeedbackRound,
)

State = FeedbackRound.State

# The questions a new round starts with, in the language of the HR person creating it.
DEFAULT_QUESTIONS = [
    gettext_noop("How useful was the coaching you received from your manager?"),
    gettext_noop("How specific was the coaching you received?"),
    gettext_noop("Did you get the support you asked for?"),
]
INVITED_SUBJECT = gettext_noop("Upward feedback: how was the coaching you received? (%(round)s)")
INVITED_LINES = [
    gettext_noop(
        "Tell us how useful the coaching from %(manager)s was, by %(closes)s. Your answer "
        "is anonymous: it is stored without your name, and your manager sees results only "
        "when enough of their team answered."
    ),
]


class RoundNotDraft(Exception):
    """The round was opened (or closed) meanwhile: its questions no longer change."""


class RoundNotOpen(Exception):
    """The round is not taking answers (not opened yet, or closed)."""


class AlreadyAnswered(Exception):
    """This person's answer is in already: a second one writes nothing."""


class NoQuestions(Exception):
    """A round without questions cannot open."""


class RoundsOverlap(Exception):
    """Another round (open or closed) covers some of the same days: two rounds over the
    same days, answered by nearly the same people, would tell one answer from their
    difference. Carries that other round."""

    def __init__(self, other: FeedbackRound) -> None:
        super().__init__(other.pk)
        self.other = other


class RoundNotDue(Exception):
    """Before its opening day a round does not open (nor after its closing day)."""

    def __init__(self, opens_on: dt.date, closes_on: dt.date) -> None:
        super().__init__(opens_on, closes_on)
        self.opens_on = opens_on
        self.closes_on = closes_on


# --- Access ---------------------------------------------------------------------------


def require_hr(user: User) -> None:
    """HR only (403 for everyone else): rounds are HR's to run."""
    if not user_roles(user).is_hr:
        raise PermissionDenied


def get_round_for_hr(user: User, pk: int) -> FeedbackRound:
    require_hr(user)
    try:
        return FeedbackRound.objects.get(pk=pk)
    except FeedbackRound.DoesNotExist as missing:
        raise Http404 from missing


def get_participation_for_user(user: User, round_pk: int) -> FeedbackParticipation:
    """``user``'s invitation to round ``round_pk``; 404 for anyone not invited."""
    participation = (
        FeedbackParticipation.objects.filter(round_id=round_pk, employee=user)
        .select_related("round", "group__manager")
        .first()
    )
    if participation is None:
        raise Http404
    return participation


def may_read_own_results(user: User) -> bool:
    """A manager, or anyone who was one when a round opened (their groups stay theirs)."""
    return user_roles(user).is_manager or FeedbackGroup.objects.filter(manager=user).exists()


# --- Selectors ------------------------------------------------------------------------


def rounds_listed() -> QuerySet[FeedbackRound]:
    """Every round, newest first, with its numbers of groups and invited people."""
    return FeedbackRound.objects.annotate(
        group_count=Count("groups", distinct=True), invited_count=Sum("groups__invited")
    ).order_by("-opens_on", "-pk")


def round_answered_count(feedback_round: FeedbackRound) -> int:
    """How many answered in the whole round (never per group while it is open)."""
    return FeedbackParticipation.objects.filter(round=feedback_round, answered=True).count()


def _waiting(user: User) -> QuerySet[FeedbackParticipation]:
    """``user``'s unanswered invitations to rounds open and not past their closing day
    (the daily job may not have closed them yet)."""
    return FeedbackParticipation.objects.filter(
        employee=user,
        answered=False,
        round__state=State.OPEN,
        round__closes_on__gte=timezone.localdate(),
    )


def rounds_to_answer(user: User) -> list[FeedbackParticipation]:
    """The open rounds ``user`` was invited to and has not answered yet."""
    return list(
        _waiting(user)
        .select_related("round", "group__manager")
        .order_by("round__closes_on", "round_id")
    )


def has_feedback_to_answer(user: User) -> bool:
    return _waiting(user).exists()


# The menu asks on every page whether a round waits for the person's answer: one of the
# person's cached figures (``accounts.person_figures``, registered in ``CoachingConfig``),
# under the scopes below. Opening or closing a round bumps everyone's; answering (and
# any change to a participation) the person's own.
FEEDBACK_ROUNDS = "feedback"


def feedback_scope(user_id: int) -> str:
    """The scope of one person's invitations to upward feedback rounds."""
    return f"feedback:{user_id}"


def feedback_figure_scopes(user_id: int) -> list[str]:
    """The scopes of the person ``user_id``'s "feedback to give" figure."""
    return [FEEDBACK_ROUNDS, feedback_scope(user_id)]


def groups_of_manager(user: User) -> list[FeedbackGroup]:
    """``user``'s groups in rounds that opened, newest round first."""
    return list(
        FeedbackGroup.objects.filter(manager=user)
        .exclude(round__state=State.DRAFT)
        .select_related("round", "manager")
        .order_by("-round__opens_on", "-round_id")
    )


def groups_of_round(feedback_round: FeedbackRound) -> list[FeedbackGroup]:
    return list(
        FeedbackGroup.objects.filter(round=feedback_round)
        .select_related("round", "manager")
        .order_by("manager__full_name", "manager_id")
    )


# --- Services -------------------------------------------------------------------------


@transaction.atomic
def feedback_round_create(
    *, actor: User, name: str, opens_on: dt.date, closes_on: dt.date, min_answers: int
) -> FeedbackRound:
    """A draft round with the three default questions, worded in ``actor``'s language."""
    feedback_round = FeedbackRound.objects.create(
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        min_answers=min_answers,
        created_by=actor,
    )
    FeedbackQuestion.objects.bulk_create(
        FeedbackQuestion(round=feedback_round, position=index, text=_(text))
        for index, text in enumerate(DEFAULT_QUESTIONS, start=1)
    )
    return feedback_round


@transaction.atomic
def feedback_round_update(
    *,
    feedback_round: FeedbackRound,
    version: int | None,
    form: ModelForm[FeedbackRound],
    questions: BaseModelFormSet[FeedbackQuestion, Any],
) -> FeedbackRound:
    """Save a draft round and its questions (added, changed, removed, reordered).

    Raises ``StaleEditError`` when saved since ``version``, ``RoundNotDraft`` when it
    opened meanwhile (the version claim locks the row, so the state read is current).
    """
    feedback_round.version = version_claim(FeedbackRound, feedback_round.pk, version)
    if FeedbackRound.objects.get(pk=feedback_round.pk).state != State.DRAFT:
        raise RoundNotDraft
    saved = form.save()
    last = max((q.position for q in saved.questions.all()), default=0)
    for question in questions.save(commit=False):
        question.round = saved
        if question.position is None:  # a new question left without a number: last
            last += 1
            question.position = last
        question.save()
    for question in questions.deleted_objects:
        question.delete()
    return saved


@transaction.atomic
def feedback_round_delete(*, feedback_round: FeedbackRound, version: int | None) -> None:
    """Delete a draft round and its questions. ``RoundNotDraft`` once it opened."""
    version_claim(FeedbackRound, feedback_round.pk, version)
    if FeedbackRound.objects.get(pk=feedback_round.pk).state != State.DRAFT:
        raise RoundNotDraft
    feedback_round.delete()


@transaction.atomic
def feedback_round_open(
    *,
    actor: User,
    feedback_round: FeedbackRound,
    version: int | None,
    today: dt.date | None = None,
) -> int:
    """Open a draft round: one group per manager with the people who have reported to
    them for ``SETTLED_DAYS`` days (``feedback_groups.settled_reports``), one
    participation each, and every invited person told (in-app and by e-mail, in their
    language). Returns how many were invited.

    ``RoundNotDue`` before its opening day or after its closing day. ``today`` is the
    day it opens (the demo opens its past rounds on their day); now by default. Opened
    after its opening day, it opens on ``today`` (its ``opens_on`` says so).
    ``RoundsOverlap`` when an open or closed round shares a day with it: two rounds over
    the same days, subtracted, would show the answer of whoever answered only one.

    The groups are fixed from now on: someone who changes team later still answers
    about the manager of the group they were invited into.
    """
    feedback_round.version = version_claim(FeedbackRound, feedback_round.pk, version)
    feedback_round.refresh_from_db(fields=["state", "opens_on", "closes_on"])
    if feedback_round.state != State.DRAFT:
        raise RoundNotDraft
    day = today or timezone.localdate()
    if not feedback_round.opens_on <= day <= feedback_round.closes_on:
        raise RoundNotDue(feedback_round.opens_on, feedback_round.closes_on)
    if not feedback_round.questions.exists():
        raise NoQuestions
    # Opened late, it runs from the day it really opened: the dates shown are the real ones.
    feedback_round.opens_on = day
    _refuse_overlap(feedback_round)
    on = (
        timezone.now()
        if today is None
        else timezone.make_aware(dt.datetime.combine(today, dt.time(12)))
    )
    pairs = settled_reports(on=on)
    teams: dict[int, list[int]] = {}
    for person_id, manager_id in pairs:
        teams.setdefault(manager_id, []).append(person_id)
    groups = FeedbackGroup.objects.bulk_create(
        FeedbackGroup(round=feedback_round, manager_id=manager_id, invited=len(people))
        for manager_id, people in teams.items()
    )
    in_hr = set(
        User.objects.filter(groups__name=HR_GROUP_NAME, pk__in=[p for p, _m in pairs]).values_list(
            "pk", flat=True
        )
    )
    FeedbackParticipation.objects.bulk_create(
        FeedbackParticipation(
            group=group,
            round=feedback_round,
            employee_id=person_id,
            reads_results=person_id in in_hr,
        )
        for group in groups
        for person_id in teams[group.manager_id]
    )
    feedback_round.state = State.OPEN
    feedback_round.opened_at = timezone.now()
    feedback_round.save(update_fields=["state", "opened_at", "opens_on"])
    data_changed(FEEDBACK_ROUNDS)
    _invite(feedback_round, [person_id for person_id, _manager in pairs])
    return len(pairs)


# One opening at a time, so that two rounds opened at once cannot both miss each other.
OPEN_LOCK = 18_2_0001


def _refuse_overlap(feedback_round: FeedbackRound) -> None:
    """``RoundsOverlap`` when an open or closed round shares a day with this one."""
    if connection.vendor == "postgresql":  # SQLite (the demo) writes one at a time anyway
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [OPEN_LOCK])
    other = (
        FeedbackRound.objects.exclude(pk=feedback_round.pk)
        .exclude(state=State.DRAFT)
        .filter(opens_on__lte=feedback_round.closes_on, closes_on__gte=feedback_round.opens_on)
        .order_by("opens_on", "pk")
        .first()
    )
    if other is not None:
        raise RoundsOverlap(other)


def _invite(feedback_round: FeedbackRound, people: list[int]) -> None:
    participations = FeedbackParticipation.objects.filter(
        round=feedback_round, employee_id__in=people
    ).select_related("employee", "group__manager")
    # The list of rounds to answer: it opens for them even once this one is answered or closed.
    url = named_url("coaching:feedback_todo")
    reminders_send(
        Reminder(
            "feedback_invited",
            participation.employee,
            f"round:{feedback_round.pk}",
            INVITED_SUBJECT,
            list(INVITED_LINES),
            url,
            {
                "round": feedback_round.name,
                "manager": participation.group.manager.full_name,
                "closes": day_param(feedback_round.closes_on),
            },
        )
        for participation in participations.iterator(chunk_size=1000)
    )


@transaction.atomic
def feedback_round_close(
    *, feedback_round: FeedbackRound, version: int | None = None, today: dt.date | None = None
) -> bool:
    """Close an open round: no answer is taken after this. False if it was not open.
    Closed before its planned closing day, it closes today (``today``: now by default),
    so that the next round may open from tomorrow.

    Every participation of the round is locked first, so an answer being written
    finishes before the close, and one that comes after finds the round closed
    (``feedback_answer_submit`` locks its participation, then reads the state):
    results never change once anyone has seen them.
    """
    if version is not None:
        feedback_round.version = version_claim(FeedbackRound, feedback_round.pk, version)
    list(
        FeedbackParticipation.objects.filter(round=feedback_round)
        .select_for_update()
        .values_list("pk", flat=True)
    )
    day = today or timezone.localdate()
    closed = FeedbackRound.objects.filter(pk=feedback_round.pk, state=State.OPEN).update(
        state=State.CLOSED,
        closed_at=timezone.now(),
        closes_on=Least("closes_on", Greatest("opens_on", Value(day))),
    )
    feedback_round.refresh_from_db(fields=["state", "closed_at", "closes_on"])
    data_changed(FEEDBACK_ROUNDS)
    return bool(closed)


def feedback_rounds_close_due(*, today: dt.date) -> list[str]:
    """Close every open round whose closing date has passed (the daily job); their names."""
    closed = []
    for feedback_round in FeedbackRound.objects.filter(state=State.OPEN, closes_on__lt=today):
        if feedback_round_close(feedback_round=feedback_round):
            closed.append(feedback_round.name)
    return closed


@transaction.atomic
def feedback_answer_submit(
    *,
    participation: FeedbackParticipation,
    answers: list[tuple[int, int, str]],
    today: dt.date | None = None,
) -> None:
    """Write one answer sheet — ``(question id, score, comment)`` each — with no author
    and no time, and mark the participation answered, in one transaction.

    The participation row is locked first: of two submissions at once (a double click,
    two tabs, a replayed request) the second finds it answered, raises
    ``AlreadyAnswered`` and writes nothing. ``RoundNotOpen`` once the round closed, or
    once its closing day (``today``: today by default) has passed, even before the
    daily job closes it.
    """
    locked = FeedbackParticipation.objects.select_for_update().get(pk=participation.pk)
    if locked.answered:
        raise AlreadyAnswered
    state, closes_on = FeedbackRound.objects.values_list("state", "closes_on").get(
        pk=locked.round_id
    )
    if state != State.OPEN or closes_on < (today or timezone.localdate()):
        raise RoundNotOpen
    valid = set(
        FeedbackQuestion.objects.filter(round_id=locked.round_id).values_list("pk", flat=True)
    )
    response = FeedbackResponse.objects.create(group_id=locked.group_id)
    FeedbackAnswer.objects.bulk_create(
        FeedbackAnswer(response=response, question_id=question, score=score, comment=comment)
        for question, score, comment in answers
        if question in valid
    )
    locked.answered = True
    locked.save(update_fields=["answered"])
    data_changed(feedback_scope(locked.employee_id))
