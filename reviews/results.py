"""The appraisal result of each subject at the end of a cycle: the writes (issue 17 §3).

- ``results_prepare``: one ``CycleResult`` per person and department with objectives
  in an ended (or closed) cycle, with its weighted completion
  (``plans.results_math``); safe to run twice, and run daily by the month-end job
  (``results_prepare_due``) and on demand by HR.
- ``result_propose``: the manager proposes the final rating with a comment.
- ``result_acknowledge``: the person acknowledges the published result, with a comment.
- ``results_published_notify``: tells every subject of a cycle that their result is
  published; the calibration's publishing calls it.

The figures are refreshed by every run until the manager proposed; then they stay
as the manager saw them, unless HR refreshes them too (``refresh_proposed``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.concurrency import version_claim
from accounts.models import Department, User
from accounts.notifications import Reminder, reminders_send
from accounts.texts import day_words
from plans.models import AppraisalCycle
from plans.results_math import cycle_completions, cycle_has_ended
from reviews.models import DEFAULT_RATING_SCALE, Calibration, CycleResult, RatingAdjustment
from reviews.permissions import result_access

RESULT_PUBLISHED = "result_published"


@dataclass(frozen=True)
class ResultsPrepared:
    """What one run did: results created, and existing ones whose figures changed."""

    created: int
    refreshed: int


def rating_scale_of(cycle: AppraisalCycle) -> list[str]:
    """The stored values of the cycle's rating scale, lowest first (its own or the default)."""
    return [str(value) for value in (cycle.rating_scale or DEFAULT_RATING_SCALE)]


@transaction.atomic
def results_prepare(
    *, cycle: AppraisalCycle, refresh_proposed: bool = False, today: dt.date | None = None
) -> ResultsPrepared:
    """Create the missing results of ``cycle`` and refresh the figures of the others.

    A constant number of queries whatever the size of the organisation. One result
    per active person and per department with an objective not dropped; a person
    who left before the first run gets none (one made before they left stays). The
    department and line manager of the time are those of the first run
    (``OrgRecord``). Figures of a proposed result change only with
    ``refresh_proposed`` (HR's choice). Raises ``ValidationError`` while the cycle
    has not ended and is not closed (issue 17 §3: "at the end of a cycle").
    """
    today = today or timezone.localdate()
    if not cycle_has_ended(cycle, today):
        raise ValidationError(
            _("Results are prepared once the cycle has ended (after %(day)s) or is closed.")
            % {"day": day_words(cycle.end_date)}
        )
    completions = cycle_completions(cycle)
    now = timezone.now()
    existing = {
        ("employee", employee_id) if employee_id else ("department", department_id): (
            pk,
            proposed_at,
            completion,
            breakdown,
        )
        for pk, employee_id, department_id, proposed_at, completion, breakdown in (
            CycleResult.objects.filter(cycle=cycle).values_list(
                "pk", "employee_id", "department_id", "proposed_at", "completion", "breakdown"
            )
        )
    }
    people = {
        pk: (department_id, manager_id)
        for pk, department_id, manager_id in User.objects.filter(
            pk__in=[pk for kind, pk in completions if kind == "employee"], is_active=True
        ).values_list("pk", "department_id", "manager_id")
    }
    heads = dict(
        Department.objects.filter(
            pk__in=[pk for kind, pk in completions if kind == "department"]
        ).values_list("pk", "head_id")
    )
    new: list[CycleResult] = []
    for (kind, pk), figures in completions.items():
        if (kind, pk) in existing:
            continue
        if kind == "employee" and pk in people:
            department_id, manager_id = people[pk]
            subject: dict[str, Any] = {"employee_id": pk}
        elif kind == "department" and pk in heads:
            department_id, manager_id = pk, heads[pk]
            subject = {"department_id": pk}
        else:
            continue
        new.append(
            CycleResult(
                cycle=cycle,
                **subject,
                home_department_id=department_id,
                line_manager_id=manager_id,
                completion=figures.completion,
                breakdown=figures.breakdown,
                computed_at=now,
            )
        )
    created = CycleResult.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    changed: list[CycleResult] = []
    for key, (pk, proposed_at, completion, breakdown) in existing.items():
        if proposed_at is not None and not refresh_proposed:
            continue
        found = completions.get(key)
        new_completion = found.completion if found else None
        new_breakdown = found.breakdown if found else []
        if new_completion == completion and new_breakdown == breakdown:
            continue  # a re-run that finds the same figures writes nothing
        changed.append(
            CycleResult(pk=pk, completion=new_completion, breakdown=new_breakdown, computed_at=now)
        )
    CycleResult.objects.bulk_update(
        changed, ["completion", "breakdown", "computed_at"], batch_size=1000
    )
    return ResultsPrepared(created=len(created), refreshed=len(changed))


def results_prepare_due(*, today: dt.date) -> list[tuple[AppraisalCycle, ResultsPrepared]]:
    """The month-end job's step: prepare the results of every cycle that has ended (or
    is closed) and whose results are not published yet. Safe to run twice."""
    cycles = (
        AppraisalCycle.objects.exclude(state=AppraisalCycle.State.PLANNING)
        .filter(Q(state=AppraisalCycle.State.CLOSED) | Q(end_date__lt=today))
        .filter(Q(calibration__isnull=True) | Q(calibration__published_at__isnull=True))
        .order_by("end_date", "pk")
    )
    return [(cycle, results_prepare(cycle=cycle, today=today)) for cycle in cycles]


def _locked_result(pk: int) -> tuple[CycleResult, Calibration | None]:
    """The result, and its cycle's calibration locked so that closing the calibration
    and a proposal cannot interleave."""
    result = CycleResult.objects.select_related(
        "cycle", "employee", "department", "line_manager"
    ).get(pk=pk)
    calibration = Calibration.objects.select_for_update().filter(cycle_id=result.cycle_id).first()
    return result, calibration


@transaction.atomic
def result_propose(
    *, actor: User, result_id: int, rating: str, comment: str, version: int | None
) -> CycleResult:
    """Propose (or change) the final rating of a result, with a comment (issue 17 §3).

    ``rating`` is a stored value of the cycle's rating scale (``rating_scale_of``;
    the one proposed before stays allowed if HR changed the scale since). The final
    rating follows the proposal; once the calibration adjusted it (a
    ``RatingAdjustment`` exists) the proposal is closed too, so that the proposal, the
    final rating and the adjustment's "from → to" always tell one story.

    Raises ``ValidationError`` when ``actor`` may not propose
    (not the proposer, the calibration is done or adjusted the rating, the results are
    published) or the
    rating is not on the scale; ``StaleEditError`` when the result was saved since
    ``version`` was read.
    """
    result, calibration = _locked_result(result_id)
    if calibration is not None:
        result.cycle.calibration = calibration  # the locked state decides
    access = result_access(actor, result)
    if access.is_published or access.calibration_done:
        raise ValidationError(
            _("The calibration of this cycle is done: the rating can no longer be changed.")
        )
    if not access.can_propose:
        raise ValidationError(_("You do not propose this rating."))
    if RatingAdjustment.objects.filter(result_id=result.pk).exists():
        raise ValidationError(
            _("The calibration adjusted this rating: ask HR to change it there, with a reason.")
        )
    allowed = set(rating_scale_of(result.cycle)) | {result.proposed_rating} - {""}
    if rating not in allowed:
        raise ValidationError({"rating": _("Choose a rating of the cycle's scale.")})
    result.version = version_claim(CycleResult, result.pk, version)
    result.proposed_rating = rating
    result.proposed_comment = comment
    result.proposed_by = actor
    result.proposed_at = timezone.now()
    result.final_rating = rating
    result.save(
        update_fields=[
            "proposed_rating",
            "proposed_comment",
            "proposed_by",
            "proposed_at",
            "final_rating",
            "updated_at",
        ]
    )
    return result


@transaction.atomic
def result_acknowledge(
    *, actor: User, result_id: int, comment: str, version: int | None
) -> CycleResult:
    """The subject acknowledges their published result, with an optional comment: once.

    Both are fixed afterwards (what the person said when they read it stays as they
    said it). Raises ``ValidationError`` before publication, for anyone but the
    subject, or when already acknowledged; ``StaleEditError`` on a stale form.
    """
    result, _calibration = _locked_result(result_id)
    access = result_access(actor, result)
    if not access.can_acknowledge:
        if result.acknowledged_at is not None:
            raise ValidationError(_("This result was already acknowledged."))
        raise ValidationError(_("Only its person acknowledges a published result."))
    result.version = version_claim(CycleResult, result.pk, version)
    result.acknowledged_at = timezone.now()
    result.person_comment = comment
    result.save(update_fields=["acknowledged_at", "person_comment", "updated_at"])
    return result


def results_published_notify(*, cycle: AppraisalCycle) -> int:
    """Tell each subject of ``cycle`` that their result is published: in-app and by e-mail,
    once per result ever (``reminders_send`` records each). Returns how many were sent.

    Called by the calibration's publishing (issue 17 §4), after it committed; a
    second call sends nothing. A person who left is not told (nor anyone in their
    place); a department's result goes to its head.
    """
    results = CycleResult.objects.filter(cycle=cycle).select_related("employee", "department__head")
    reminders = []
    for result in results.iterator(chunk_size=2000):
        if result.employee is not None:
            recipient: User | None = result.employee
            subject = gettext_noop("Your result of the %(cycle)s cycle is published.")
        else:
            recipient = result.department.head if result.department else None
            subject = gettext_noop("The result of %(department)s for %(cycle)s is published.")
        if recipient is None or not recipient.is_active:
            continue
        reminders.append(
            Reminder(
                kind=RESULT_PUBLISHED,
                recipient=recipient,
                key=f"result:{result.pk}",
                subject=subject,
                lines=[gettext_noop("Read it, then acknowledge it or add your comment.")],
                url=result.get_absolute_url(),
                params={
                    "cycle": cycle.name,
                    "department": str(result.department) if result.department else "",
                },
            )
        )
    return reminders_send(reminders)[RESULT_PUBLISHED]


def completion_or_none(value: Decimal | str | None) -> Decimal | None:
    """A completion as stored in a breakdown (a string) or a column, as a number."""
    return None if value in (None, "") else Decimal(str(value))
