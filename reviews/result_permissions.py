"""Who reads a subject's cycle result, what of it, and who proposes its rating
(issue 17 §3 and §4's visibility rule). Re-exported by ``reviews.permissions``.

Who reads a subject's result, and what of it:
- the subject (the person; a department's head for the department) reads their
  result page, but no rating until HR published the cycle's results; then the final
  rating only (never the proposal, nor how calibration changed it);
- the manager chain (the line manager of the cycle's end and those above them, the
  present managers above the person, the heads above a department) read the result,
  the proposal and the final rating;
- HR reads every result; the calibration's participants read every result of that
  cycle with its proposal;
- nobody else (404).

The proposer is the line manager of the cycle's end (still active), else the nearest
active manager above the person today; for a department, the nearest active head
above it (``reviews.reviewers``); with nobody above, HR. Anyone above the proposer may
propose in their place, as a skip-level reviews a table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.selectors import (
    headed_department_ids,
    headed_subtree_ids,
    in_reports,
    is_manager_of,
    user_roles,
)
from reviews.models import Calibration, CycleResult
from reviews.reviewers import department_reviewer_ids, employee_reviewer_ids


def result_participant_cycle_ids(user: User) -> frozenset[int]:
    """Cycles whose calibration ``user`` takes part in (read once per request)."""
    if not hasattr(user, "_cc_calibration_cycles"):
        user._cc_calibration_cycles = frozenset(  # type: ignore[attr-defined]
            Calibration.objects.filter(participants=user).values_list("cycle_id", flat=True)
        )
    answer: frozenset[int] = user._cc_calibration_cycles  # type: ignore[attr-defined]
    return answer


def _result_chain(user: User) -> Q:
    """The results of ``user``'s chain (never their own: see ``results_reported_to``)."""
    return (
        in_reports(user, "employee_id")
        | Q(employee__isnull=False, line_manager_id=user.pk)
        | in_reports(user, "line_manager_id")
        | Q(department_id__in=headed_subtree_ids(user) - headed_department_ids(user))
    )


def _own_results(user: User) -> Q:
    return Q(employee_id=user.pk) | Q(department_id__in=headed_department_ids(user))


def results_reported_to(user: User) -> QuerySet[CycleResult]:
    """The results ``user`` answers for: HR every one, others their chain's; never their own.

    What the manager's *Results* list, the "to propose" count and the export's
    *Results* sheet start from.
    """
    queryset = CycleResult.objects.select_related("employee", "department", "cycle")
    if user_roles(user).is_hr:
        # Never their own: an HR person sees no proposal about themselves either.
        return queryset.exclude(_own_results(user))
    return queryset.filter(_result_chain(user)).exclude(_own_results(user))


def results_visible_to(user: User) -> QuerySet[CycleResult]:
    """Every result ``user`` may open: their own, their chain's, every one for HR, and
    every one of a cycle whose calibration they take part in."""
    queryset = CycleResult.objects.select_related("employee", "department", "cycle")
    if user_roles(user).is_hr:
        return queryset
    return queryset.filter(
        _own_results(user)
        | _result_chain(user)
        | Q(cycle_id__in=result_participant_cycle_ids(user))
    )


# A result as ``proposer_ids_of`` reads it: (id, employee id, department id, line
# manager's id, whether that line manager is active); the ids None where not set.
ResultKeys = tuple[int, int | None, int | None, int | None, bool | None]


def result_proposer_ids(results: list[CycleResult]) -> dict[int, int | None]:
    """``{result id: id of who proposes its rating, or None (HR)}`` in at most three queries.

    ``results`` come with ``line_manager`` loaded (``select_related``).
    """
    return proposer_ids_of(
        [
            (
                result.pk,
                result.employee_id,
                result.department_id,
                result.line_manager_id,
                result.line_manager.is_active if result.line_manager is not None else None,
            )
            for result in results
        ]
    )


def proposer_ids_of(results: list[ResultKeys]) -> dict[int, int | None]:
    """``result_proposer_ids`` of results read as values (``ResultKeys``, for a list that
    needs no more of them): at most two queries, none where each result's line manager
    of the time is active and not the person."""
    answer: dict[int, int | None] = {}
    walk_people: dict[int, int] = {}
    walk_departments: dict[int, int] = {}
    for pk, employee_id, department_id, line_id, line_active in results:
        if employee_id is not None:
            if line_id is not None and line_active and line_id != employee_id:
                answer[pk] = line_id
            else:
                walk_people[pk] = employee_id
        elif department_id is not None:
            walk_departments[pk] = department_id
    if walk_people:
        above = employee_reviewer_ids(set(walk_people.values()))
        answer.update({pk: above.get(person) for pk, person in walk_people.items()})
    if walk_departments:
        heads = department_reviewer_ids(set(walk_departments.values()))
        answer.update({pk: heads.get(dept) for pk, dept in walk_departments.items()})
    return answer


@dataclass(frozen=True)
class ResultAccess:
    """What one person may see and do with one result they may read."""

    result: CycleResult
    user: User
    is_subject: bool
    is_chain: bool
    is_hr: bool
    is_participant: bool
    proposer_id: int | None

    @property
    def calibration(self) -> Calibration | None:
        """The calibration of the result's cycle, if HR started one (read through the
        cycle, which the results' selectors load with it)."""
        try:
            return self.result.cycle.calibration
        except Calibration.DoesNotExist:
            return None

    @property
    def is_published(self) -> bool:
        calibration = self.calibration
        return calibration is not None and calibration.published_at is not None

    @property
    def calibration_done(self) -> bool:
        calibration = self.calibration
        return calibration is not None and calibration.done_at is not None

    @property
    def sees_proposal(self) -> bool:
        """The proposal and the final rating before publication (never the subject)."""
        return not self.is_subject and (self.is_chain or self.is_hr or self.is_participant)

    @property
    def sees_final(self) -> bool:
        return self.sees_proposal or (self.is_subject and self.is_published)

    @property
    def is_proposer(self) -> bool:
        if self.is_subject:
            return False
        if self.proposer_id is None:
            return self.is_hr
        return self.user.pk == self.proposer_id or is_manager_of(self.user, self.proposer_id)

    @property
    def can_propose(self) -> bool:
        """The proposer, until the calibration is done (or the results are published)."""
        return self.is_proposer and not self.calibration_done and not self.is_published

    @property
    def can_acknowledge(self) -> bool:
        """The subject, once, after publication."""
        return self.is_subject and self.is_published and self.result.acknowledged_at is None

    @property
    def can_refresh(self) -> bool:
        return self.is_hr


def result_access(user: User, result: CycleResult) -> ResultAccess:
    """What ``user`` may do with ``result`` (which they may read: ``get_result_access``)."""
    if result.employee_id is not None:
        is_subject = result.employee_id == user.pk
        is_chain = not is_subject and (
            result.line_manager_id == user.pk
            or is_manager_of(user, result.employee_id)
            or (result.line_manager_id is not None and is_manager_of(user, result.line_manager_id))
        )
    else:
        is_subject = result.department_id in headed_department_ids(user)
        is_chain = not is_subject and (
            result.department_id in headed_subtree_ids(user)
            or (result.line_manager_id is not None and is_manager_of(user, result.line_manager_id))
        )
    return ResultAccess(
        result=result,
        user=user,
        is_subject=is_subject,
        is_chain=is_chain,
        is_hr=user_roles(user).is_hr,
        is_participant=result.cycle_id in result_participant_cycle_ids(user),
        proposer_id=result_proposer_ids([result])[result.pk],
    )


def get_result_access(user: User, pk: int) -> ResultAccess:
    """``result_access`` of the result ``pk`` if ``user`` may read it, else 404."""
    result = get_object_or_404(
        results_visible_to(user).select_related(
            "cycle__calibration", "line_manager", "home_department", "proposed_by"
        ),
        pk=pk,
    )
    return result_access(user, result)
