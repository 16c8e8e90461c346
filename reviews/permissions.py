"""Who may see, fill, review and question monthly review tables (DESIGN.md §2).

- The assessee (the employee, or the head of a department for its table) fills
  the table while it is a draft or returned.
- The reviewer recorded on the table (``reviews.reviewers``), or anyone above
  them, reviews, returns and finalises it; with nobody above the subject, the
  top reviewer or HR. Nobody reviews their own table.
- HR reads every table. Everyone reads department tables once submitted.
- While a table is in review, the reviewer, HR and (for department tables) the
  members of other departments ask questions and put forward suggestions; the
  assessee answers. A member of another department: an active person whose
  department is outside the assessed department and those below it, or the
  head of any department but the assessed one (issue 16, section 6). HR may
  narrow this to the heads (``JobSettings.department_askers``).
- Nobody edits a finalised, withdrawn or closed-unfinished table, nor any table
  of a closed cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.selectors import (
    all_report_ids,
    all_reports_sql,
    department_subtree_ids,
    headed_department_ids,
    headed_subtree_ids,
    in_reports,
    is_manager_of,
    user_roles,
)
from plans.models import AppraisalCycle
from reviews.models import Calibration, CycleResult, Inquiry, JobSettings, ReviewTable
from reviews.reviewers import top_reviewer_id

Status = ReviewTable.Status
HIDDEN_FROM_OTHERS = (Status.DRAFT, Status.RETURNED)


def tables_visible_to(user: User) -> QuerySet[ReviewTable]:
    """Every table ``user`` may read: HR all; others their own and their reports',
    those of the departments they head and below, any department's once submitted,
    those they reviewed or were the line manager of (or above), and, for the top
    reviewer, those of the top of the tree."""
    queryset = ReviewTable.objects.select_related("employee", "department", "cycle")
    if user_roles(user).is_hr:
        return queryset
    reports = RawSQL(all_reports_sql(), [user.pk])  # noqa: S611
    visible = (
        Q(employee_id=user.pk)
        | Q(employee_id__in=reports)
        | Q(department_id__in=headed_subtree_ids(user))
        | (Q(department__isnull=False) & ~Q(status__in=HIDDEN_FROM_OTHERS))
        # The records of the period someone managed the person (and no later ones),
        # and what was handed to them to review (issue 15, section 1).
        | Q(reviewer_id=user.pk)
        | Q(line_manager_id=user.pk)
        | Q(line_manager_id__in=reports)
    )
    if user.pk == top_reviewer_id_for(user):
        visible |= Q(reviewer__isnull=True)
    return queryset.filter(visible)


def tables_reported_to(user: User) -> QuerySet[ReviewTable]:
    """The tables ``user``'s dashboards and exports count (a subset of ``tables_visible_to``).

    HR: every table. Others: each person's tables of the months that person was in
    their chain — the line manager recorded on the table is ``user`` or one of
    their present reports (a table with no line manager recorded: the present
    chain) — and the tables of the departments they head and those below. Never
    their own tables. A present report's tables from before they joined the chain
    stay readable (``tables_visible_to``) but are counted under the manager of
    their month (issue 15, section 1: "a manager's dashboards and exports cover
    each person for the months they were in that manager's chain").
    """
    queryset = ReviewTable.objects.select_related("employee", "department", "cycle")
    if user_roles(user).is_hr:
        return queryset
    in_chain_then = Q(line_manager_id=user.pk) | in_reports(user, "line_manager_id")
    not_recorded = Q(line_manager__isnull=True, employee__isnull=False) & in_reports(
        user, "employee_id"
    )
    headed = Q(department_id__in=headed_subtree_ids(user))
    return queryset.filter(in_chain_then | not_recorded | headed).exclude(employee_id=user.pk)


def top_reviewer_id_for(user: User) -> int | None:
    """``top_reviewer_id()``, read once per request for this user."""
    if not hasattr(user, "_cc_top_reviewer"):
        user._cc_top_reviewer = top_reviewer_id()  # type: ignore[attr-defined]
    answer: int | None = user._cc_top_reviewer  # type: ignore[attr-defined]
    return answer


def department_askers_for(user: User) -> str:
    """``JobSettings.department_askers``, read once per request for this user."""
    if not hasattr(user, "_cc_department_askers"):
        user._cc_department_askers = JobSettings.current().department_askers  # type: ignore[attr-defined]
    answer: str = user._cc_department_askers  # type: ignore[attr-defined]
    return answer


def is_other_department_member(user: User, table: ReviewTable) -> bool:
    """May ``user`` question ``table`` as one of the other departments (issue 16, section 6)?

    Only a department's table. The heads of other departments always may; when HR
    leaves it open to everyone (the default), so may every active person whose
    department is not the assessed one nor below it. Those inside the assessed
    department are its own people, not "other departments"; someone in no
    department belongs to none.
    """
    if table.department_id is None or not user.is_active:
        return False
    if bool(headed_department_ids(user)):
        return True
    if department_askers_for(user) != JobSettings.Askers.EVERYONE or user.department_id is None:
        return False
    return user.department_id not in department_subtree_ids(table.department_id)


def _is_assessee(user: User, table: ReviewTable) -> bool:
    if table.employee_id is not None:
        return table.employee_id == user.pk
    return table.department_id in headed_department_ids(user)


def _is_reviewer(user: User, table: ReviewTable, *, is_assessee: bool) -> bool:
    """The recorded reviewer, anyone above them in the line (a skip-level steps in),
    or, for a table with nobody above its subject, the top reviewer or HR. Never the
    assessee, whatever the org chart says (issue 15, section 5)."""
    if is_assessee:
        return False
    if table.reviewer_id is not None:
        if user.pk == table.reviewer_id or is_manager_of(user, table.reviewer_id):
            return True
        # A department's table: the heads above its reviewer's department too.
        department = table.department
        return bool(
            department is not None
            and department.parent_id is not None
            and department.parent_id in headed_subtree_ids(user)
            and department.parent_id not in headed_department_ids(user)
        )
    top = top_reviewer_id_for(user)
    top_is_assessee = top is not None and (
        top == table.employee_id
        or (table.department is not None and top == table.department.head_id)
    )
    if top is not None and not top_is_assessee:
        return user.pk == top
    return user_roles(user).is_hr


@dataclass(frozen=True)
class TableAccess:
    """What one person may do with one table: the page's every check, in one place.

    The person's part in the table (assessee, reviewer, HR, questioner) is
    worked out once, by ``table_access``; what they may do *now* also depends
    on the table's status, read from ``table`` when asked, so that a view which
    refreshes the table after a refused step sees the new status.
    """

    table: ReviewTable
    user: User
    is_assessee: bool
    is_reviewer: bool
    is_hr: bool
    # Among those who ask questions while the table is in review: the reviewer,
    # HR and, on a department's table, the other departments (``is_other_department_member``).
    is_questioner: bool

    @property
    def cycle_closed(self) -> bool:
        """The table's cycle is closed: nothing of it changes any more (issue 15 §4),
        whatever its status (an older close may have left it open)."""
        return self.table.cycle.is_closed

    @property
    def can_fill(self) -> bool:
        """The assessee's part is open to them (draft or returned)."""
        return self.table.assessee_can_edit and self.is_assessee and not self.cycle_closed

    @property
    def can_review(self) -> bool:
        """The reviewer's part is open to them (submitted or in review)."""
        return (
            self.is_reviewer
            and self.table.status in {Status.SUBMITTED, Status.IN_REVIEW}
            and not self.cycle_closed
        )

    @property
    def can_ask(self) -> bool:
        return (
            self.table.status == Status.IN_REVIEW and self.is_questioner and not self.cycle_closed
        )

    @property
    def can_answer(self) -> bool:
        return self.table.status == Status.IN_REVIEW and self.is_assessee and not self.cycle_closed

    @property
    def actions(self) -> frozenset[str]:
        """Workflow steps the person may take now (``review_table_transition``'s actions)."""
        status = self.table.status
        actions: set[str] = set()
        if self.cycle_closed:
            return frozenset(actions)
        if status in {Status.DRAFT, Status.RETURNED} and self.is_assessee:
            actions.add("submit")
        if self.is_reviewer:
            if status == Status.SUBMITTED:
                actions |= {"start_review", "return", "finalise"}
            elif status == Status.IN_REVIEW:
                actions |= {"return", "finalise"}
        return frozenset(actions)

    @property
    def can_start_review(self) -> bool:
        return "start_review" in self.actions

    @property
    def can_return(self) -> bool:
        return "return" in self.actions

    @property
    def can_finalise(self) -> bool:
        return "finalise" in self.actions

    @property
    def can_see_history(self) -> bool:
        return self.is_reviewer or self.is_assessee or self.is_hr


def table_access(user: User, table: ReviewTable) -> TableAccess:
    """What ``user`` may do with ``table`` (which they may read: see ``get_table_for_user``)."""
    is_assessee = _is_assessee(user, table)
    is_reviewer = _is_reviewer(user, table, is_assessee=is_assessee)
    is_hr = user_roles(user).is_hr
    return TableAccess(
        table=table,
        user=user,
        is_assessee=is_assessee,
        is_reviewer=is_reviewer,
        is_hr=is_hr,
        is_questioner=not is_assessee
        and (is_reviewer or is_hr or is_other_department_member(user, table)),
    )


def can_create_tables(user: User) -> bool:
    roles = user_roles(user)
    return roles.is_hr or roles.is_manager or roles.is_department_head


def can_export(user: User) -> bool:
    """HR (every table) and managers and department heads (their chain) export tables."""
    roles = user_roles(user)
    return roles.is_hr or roles.is_manager or roles.is_department_head


def get_table_for_user(user: User, pk: int) -> ReviewTable:
    """The table if ``user`` may read it, else 404 (its existence is not revealed).

    With what its page and its access read (subject, reviewer, cycle, department of the
    time) in the same query; no more joins than that: each one costs planning time (with
    the subject's manager and the department's parent head too, planning took 1.8 ms,
    several times the execution).
    """
    table = get_object_or_404(
        ReviewTable.objects.select_related(
            "employee", "department__head", "cycle", "reviewer", "home_department"
        ),
        pk=pk,
    )
    if not may_read_table(user, table):
        raise Http404
    return table


def may_read_table(user: User, table: ReviewTable) -> bool:
    """Whether ``table`` is among ``tables_visible_to(user)``, worked out in Python.

    The same rules, cheapest first: the table's own ids, then the person's memoised
    roles, headed departments, top reviewer and reports (``all_report_ids``, kept
    between requests). Fetching one table by its key with these checks costs a
    fraction of planning the visibility filter (~1.5 ms with its two chain subqueries).
    """
    if (
        user.pk in (table.employee_id, table.reviewer_id, table.line_manager_id)
        or (table.department_id is not None and table.status not in HIDDEN_FROM_OTHERS)
        or user_roles(user).is_hr
        or table.department_id in headed_subtree_ids(user)
        or (table.reviewer_id is None and user.pk == top_reviewer_id_for(user))
    ):
        return True
    reports = all_report_ids(user)
    return table.employee_id in reports or table.line_manager_id in reports


def get_table_access(user: User, pk: int) -> TableAccess:
    """``table_access`` of the table ``pk`` if ``user`` may read it, else 404."""
    return table_access(user, get_table_for_user(user, pk))


def get_inquiry_access(user: User, pk: int) -> tuple[Inquiry, TableAccess]:
    """The question ``pk`` and ``table_access`` of its table if ``user`` may read it, else 404."""
    inquiry = get_object_or_404(Inquiry, pk=pk)
    return inquiry, get_table_access(user, inquiry.table_id)


def require(condition: bool) -> None:
    """Refuse (403) unless ``condition``: for a person who may read but not do this."""
    if not condition:
        raise PermissionDenied


# --- Cycle results (issue 17 §3) -------------------------------------------------------
# Who reads and proposes a subject's result lives in ``reviews.result_permissions`` (this
# module is near its 500-line limit); the names are re-exported here, the one place views
# look for access checks.
from reviews.result_permissions import (  # noqa: E402
    ResultAccess,
    ResultKeys,
    get_result_access,
    proposer_ids_of,
    result_access,
    result_participant_cycle_ids,
    result_proposer_ids,
    results_reported_to,
    results_visible_to,
)

__all__ = [
    "ResultAccess",
    "ResultKeys",
    "get_result_access",
    "proposer_ids_of",
    "result_access",
    "result_participant_cycle_ids",
    "result_proposer_ids",
    "results_reported_to",
    "results_visible_to",
]
# --- Calibration (issue 17 §4) ----------------------------------------------------------
# Nobody but HR and the calibration's participants sees others' proposed ratings before
# publishing; the calibration page stays theirs after publishing too. Everyone else gets
# a 404, as if there were no calibration. A participant sees the whole cycle (the point
# is to compare departments); an administrator outside HR sees nothing of it.


def is_calibration_member(user: User, calibration: Calibration | None) -> bool:
    """HR, or one of ``calibration``'s participants (one query, remembered per request)."""
    if user_roles(user).is_hr:
        return True
    if calibration is None or not user.is_active:
        return False
    cache = getattr(user, "_cc_calibrations", None)
    if cache is None:
        cache = user._cc_calibrations = {}  # type: ignore[attr-defined]
    if calibration.pk not in cache:
        cache[calibration.pk] = calibration.participants.filter(pk=user.pk).exists()
    member: bool = cache[calibration.pk]
    return member


def can_see_proposals(user: User, cycle: AppraisalCycle) -> bool:
    """May ``user`` read other people's proposed and final ratings of ``cycle`` as a
    calibrator (HR or a participant)? For the result page (§3); a manager's own chain
    and the person after publishing are the result page's own rules."""
    if user_roles(user).is_hr:
        return True
    return Calibration.objects.filter(
        cycle=cycle, participants=user, participants__is_active=True
    ).exists()


def can_manage_calibration(user: User) -> bool:
    """HR starts, staffs, closes, reopens and publishes calibrations."""
    return user_roles(user).is_hr


def get_calibration_for_user(
    user: User, cycle_pk: int
) -> tuple[AppraisalCycle, Calibration | None]:
    """The cycle and its calibration (None if not started) for HR or a participant, else 404."""
    # The calibration with its cycle (one query); the cycle alone only when none started.
    calibration = Calibration.objects.select_related("cycle").filter(cycle_id=cycle_pk).first()
    if calibration is not None:
        cycle = calibration.cycle
    else:
        cycle = get_object_or_404(AppraisalCycle, pk=cycle_pk)
    if not is_calibration_member(user, calibration):
        raise Http404
    return cycle, calibration


def get_calibrated_result_for_user(user: User, pk: int) -> tuple[CycleResult, Calibration]:
    """A person's result of a calibrated cycle, with the calibration, for HR or a
    participant; else 404 (also for a department's result or a cycle not calibrated)."""
    result = get_object_or_404(
        CycleResult.objects.select_related(
            "employee", "cycle", "home_department", "line_manager"
        ).filter(employee__isnull=False),
        pk=pk,
    )
    calibration = Calibration.objects.filter(cycle_id=result.cycle_id).first()
    if (
        calibration is None
        or result.employee_id == user.pk  # nobody calibrates, or reads, their own rating
        or not is_calibration_member(user, calibration)
    ):
        raise Http404
    return result, calibration


def can_adjust(user: User, calibration: Calibration, result: CycleResult) -> bool:
    """HR or a participant, while the calibration is open, on anyone's rating but their own."""
    return (
        calibration.done_at is None
        and calibration.published_at is None
        and result.employee_id != user.pk
        and is_calibration_member(user, calibration)
    )
