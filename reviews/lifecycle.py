"""People who move and people who leave: what follows, in every app (issue 15, sections 2, 3).

Orchestrated here, in the highest app it touches, and called alike by HR's
pages (``reviews.views.people``), the organisation import and the admin
(``reviews.admin``): no Django signal, and nothing in ``accounts`` knows of it.
The assignment history itself is written by ``accounts`` on every change; this
module acts on the changes it reports (``accounts.models.OrgChange``).

- A person who **moves** (new manager or department): their draft tables go to
  the new line; tables submitted, in review or returned stay with the reviewer
  they were submitted to; their plans in open cycles wait for the new
  manager's confirmation; objectives aligned to the old department's are
  flagged; the person and both managers are told.
- A person who **leaves**: deactivated (their assignment ends); open tables
  withdrawn (a state, nothing deleted); open action items for them withdrawn,
  those they owned for others handed to the coachee's manager; their direct
  reports move to whom HR chose (by default the next active manager up); the
  reviews they held go with the reports, to each table's reviewer of today;
  the departments they headed get the head HR chose. Their records stay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Assignment, Department, OrgChange, User, org_change_context
from accounts.selectors import (
    manager_chain_ids,
    nearest_active_manager,
)
from accounts.services import invitations_request
from coaching.models import ActionItem
from plans.models import AppraisalCycle, Objective, PerformancePlan, PlanReopening
from reviews.handover import reviews_hand_on, tell
from reviews.lifecycle_report import LifecycleReport
from reviews.models import CLOSED_STATUSES, ReviewEvent, ReviewTable
from reviews.reviewers import employee_reviewer_ids, reviewer_now, route_drafts

Status = ReviewTable.Status
OPEN_STATUSES = [s for s in Status if s not in CLOSED_STATUSES]


def org_changes_followed(changes: list[OrgChange], by: User | None) -> LifecycleReport:
    """``org_changes_apply`` as the organisation's ``org_changed`` point calls it."""
    return org_changes_apply(changes, by=by)


def org_changes_apply(changes: Iterable[OrgChange], *, by: User | None) -> LifecycleReport:
    """Act on changes already written to the organisation (an import, an admin save).

    People who left are off-boarded with the defaults (their reports to the next
    active manager up, departments they headed to that manager); people who
    moved are handled as by ``person_move``. Drafts of departments are routed
    again, since heads may have changed. Call inside the transaction of the change.
    """
    report = LifecycleReport()
    rehired = []
    for change in changes:
        if change.left:
            report.merge(_after_leaving(User.objects.get(pk=change.person_id), by=by))
        elif change.joined:
            rehired.append(change.person_id)
        elif change.manager_changed or change.department_changed:
            report.merge(_after_move(change, by=by))
    back, reopened = _after_rehire(rehired, by=by)
    report.returned += back
    report.tables_reopened += reopened
    _after_heads_changed(report, by=by)
    return report


@transaction.atomic
def person_move(
    *, person: User, manager: User | None, department: Department | None, by: User | None
) -> LifecycleReport:
    """HR moves ``person`` to a new manager and department; see the module's rules.

    Raises ``ValueError`` for a manager who is the person, inactive, or below
    the person (the form checks these first and says so next to the field).
    """
    if manager is not None and (
        manager.pk == person.pk or not manager.is_active or person.pk in manager_chain_ids(manager)
    ):
        raise ValueError("not a possible manager")
    with org_change_context(by=by, source=Assignment.Source.APP):
        person.manager, person.department = manager, department
        person.save(update_fields=["manager", "department"])
    report = LifecycleReport()
    for change in person.org_changes:
        report.merge(_after_move(change, by=by))
    _after_heads_changed(report, by=by)
    return report


@transaction.atomic
def person_offboard(
    *,
    person: User,
    by: User | None,
    reports_to: Mapping[int, User | None] | None = None,
    new_heads: Mapping[int, User | None] | None = None,
) -> LifecycleReport:
    """HR off-boards ``person``; see the module's rules.

    ``reports_to`` maps a direct report's id to their new manager (missing: the
    next active manager up); ``new_heads`` maps a department the person heads to
    its new head (missing: that same manager). Idempotent for a person already
    inactive only in that it withdraws what is still open.
    """
    return _after_leaving(person, by=by, reports_to=reports_to or {}, new_heads=new_heads or {})


@dataclass(frozen=True)
class OffboardingPreview:
    """What off-boarding ``person`` would touch: the page shows it before HR confirms."""

    person: User
    open_tables: list[ReviewTable]
    open_items: int
    reports: list[User]
    headed: list[Department]
    reviews_held: list[ReviewTable]
    default_manager: User | None

    def held_destinations(self) -> list[tuple[ReviewTable, str, User | None]]:
        """Each review held, with where it goes: ``(table, "report", None)`` with the
        report, to the manager HR names below; ``(table, "department", None)`` to the
        head above the department once its head is settled; ``(table, "now", person or
        None)`` to the subject's reviewer of today (None: the top reviewer or HR)."""
        report_ids = {report.pk for report in self.reports}
        answer: list[tuple[ReviewTable, str, User | None]] = []
        others = {}
        for table in self.reviews_held:
            if table.employee_id in report_ids:
                answer.append((table, "report", None))
            elif table.department_id is not None:
                answer.append((table, "department", None))
            else:
                others[table.pk] = reviewer_now(table)
                answer.append((table, "now", None))
        people = User.objects.in_bulk([pk for pk in others.values() if pk])
        return [
            (table, kind, people.get(others.get(table.pk) or 0) if kind == "now" else None)
            for table, kind, _none in answer
        ]


def offboarding_preview(person: User) -> OffboardingPreview:
    """The open tables, open action items, direct reports, departments headed and
    reviews held by ``person``, and whom the reports go to by default."""
    return OffboardingPreview(
        person=person,
        open_tables=list(
            ReviewTable.objects.filter(employee=person, status__in=OPEN_STATUSES).select_related(
                "cycle"
            )
        ),
        open_items=_open_items_of(person).count(),
        reports=list(person.direct_reports.filter(is_active=True).order_by("full_name")),
        headed=list(Department.objects.filter(head=person).order_by("name")),
        reviews_held=list(
            ReviewTable.objects.filter(reviewer=person, status__in=OPEN_STATUSES)
            .exclude(employee=person)
            .select_related("employee", "department")
            .order_by("month", "pk")
        ),
        default_manager=nearest_active_manager(person),
    )


# --- What follows a change ------------------------------------------------------


def _after_move(
    change: OrgChange, *, by: User | None, manager_left: User | None = None
) -> LifecycleReport:
    """What follows one person's move; ``manager_left``: their manager is leaving
    (off-boarding moves the reports), which the notices say instead of a move."""
    report = LifecycleReport(moved=[change.person_id])
    assert change.before is not None and change.after is not None  # noqa: S101 - a move
    report.drafts_routed += route_drafts(employee_ids=[change.person_id])
    open_cycles = ~Q(cycle__state=AppraisalCycle.State.CLOSED)
    if change.manager_changed:
        # The new manager confirms the plan again (issue 15, section 2), recorded.
        plans = list(
            PerformancePlan.objects.filter(open_cycles, employee_id=change.person_id).exclude(
                manager_confirmed_at=None
            )
        )
        PlanReopening.objects.bulk_create(
            PlanReopening(
                plan=plan,
                reopened_by=by,
                cause=PlanReopening.Cause.MOVED,
                weight_total=0,
                employee_confirmed_at=plan.employee_confirmed_at,
                manager_confirmed_at=plan.manager_confirmed_at,
            )
            for plan in plans
        )
        report.plans_reopened += PerformancePlan.objects.filter(
            pk__in=[plan.pk for plan in plans]
        ).update(manager_confirmed_at=None, manager_confirmed_by=None)
    if change.department_changed and change.before[1] is not None:
        report.objectives_flagged += Objective.objects.filter(
            open_cycles,
            employee_id=change.person_id,
            parent__department_id=change.before[1],
            alignment_flagged_at=None,
        ).update(alignment_flagged_at=timezone.now())
    person = User.objects.select_related("department").get(pk=change.person_id)
    people = User.objects.in_bulk([pk for pk in (change.before[0], change.after[0]) if pk])
    old_manager, new_manager = people.get(change.before[0] or 0), people.get(change.after[0] or 0)
    url = person.get_absolute_url()
    params = {
        "person": person.full_name,
        "old": old_manager.full_name if old_manager else "—",
        "new": new_manager.full_name if new_manager else "—",
        "department": str(person.department or "—"),
    }
    plan_waits = report.plans_reopened > 0
    if manager_left is not None:
        # The old manager is leaving: the person and the new manager hear why.
        tell(
            [person],
            gettext_noop(
                "%(old)s has left. You now report to %(new)s; your plan waits for their "
                "confirmation, and your tables go to them."
            )
            if plan_waits
            else gettext_noop(
                "%(old)s has left. You now report to %(new)s; your tables go to them."
            ),
            url,
            **params,
        )
        tell(
            [new_manager] if new_manager else [],
            gettext_noop(
                "%(person)s now reports to you: %(old)s has left. Their plan waits for your "
                "confirmation, and their open tables come to you."
            )
            if plan_waits
            else gettext_noop(
                "%(person)s now reports to you: %(old)s has left. Their open tables come to you."
            ),
            url,
            **params,
        )
        return report
    if not change.manager_changed:
        message = gettext_noop("You are now in %(department)s.")
    elif plan_waits:
        message = gettext_noop(
            "You now report to %(new)s (%(department)s). Your plan waits for their confirmation."
        )
    else:
        message = gettext_noop("You now report to %(new)s (%(department)s).")
    tell([person], message, url, **params)
    tell(
        [m for m in (old_manager, new_manager) if m is not None],
        gettext_noop(
            "%(person)s moved from %(old)s to %(new)s (%(department)s). Tables already "
            "submitted stay with their reviewer."
        ),
        url,
        **params,
    )
    return report


def _after_leaving(
    person: User,
    *,
    by: User | None,
    reports_to: Mapping[int, User | None] | None = None,
    new_heads: Mapping[int, User | None] | None = None,
) -> LifecycleReport:
    reports_to = reports_to or {}
    new_heads = new_heads or {}
    report = LifecycleReport(left=[person.pk])
    default_manager = nearest_active_manager(person)
    if person.is_active:
        with org_change_context(by=by, source=Assignment.Source.OFFBOARDING):
            person.is_active = False
            person.save(update_fields=["is_active"])
    now = timezone.now()

    # Their direct reports move on, each with what a move brings.
    for direct in User.objects.filter(manager=person, is_active=True):
        target = reports_to.get(direct.pk, default_manager)
        with org_change_context(by=by, source=Assignment.Source.OFFBOARDING):
            direct.manager = target
            direct.save(update_fields=["manager"])
        report.reports_moved.append((direct.pk, target.pk if target else None))
        for change in direct.org_changes:
            report.merge(_after_move(change, by=by, manager_left=person))
    for department in Department.objects.filter(head=person):
        department.head = new_heads.get(department.pk, default_manager)
        department.save(update_fields=["head"])
        report.heads_named.append((department.pk, department.head_id))
        tell(
            [department.head] if department.head else [],
            gettext_noop("%(person)s has left: you now head %(department)s."),
            department.get_absolute_url(),
            person=person.full_name,
            department=department.name,
        )
    # Drafts follow the new heads before the held reviews are handed on, so that
    # nobody is handed the review of a department they now head.
    _after_heads_changed(report, by=by)

    # The reviews they held go with their reports: to each table's reviewer of today.
    held = list(
        ReviewTable.objects.filter(reviewer=person, status__in=OPEN_STATUSES)
        .exclude(employee=person)
        .select_related("department")
    )
    reviews_hand_on(
        held,
        by=by,
        reason=gettext_noop("The reviewer left the organisation."),
        notice=gettext_noop("%(person)s has left: the review of %(table)s is now yours."),
        person=person.full_name,
    )
    report.reviews_handed_over += len(held)

    # Their own open tables are withdrawn: a state, nothing deleted.
    tables = list(ReviewTable.objects.filter(employee=person, status__in=OPEN_STATUSES))
    ReviewEvent.objects.bulk_create(
        ReviewEvent(
            table=table,
            kind=ReviewEvent.Kind.TRANSITION,
            actor=by,
            from_status=table.status,
            to_status=Status.WITHDRAWN,
            comment=_("Withdrawn: %(person)s left the organisation.") % {"person": person},
        )
        for table in tables
    )
    report.tables_withdrawn += ReviewTable.objects.filter(pk__in=[t.pk for t in tables]).update(
        status=Status.WITHDRAWN, version=F("version") + 1
    )

    # Steps for them are withdrawn; steps they owned for someone else are handed on.
    report.items_withdrawn += (
        ActionItem.objects.filter(done_at=None)
        .filter(Q(session__employee=person) | Q(owner=person, session__employee=None))
        .update(withdrawn_at=now, done_at=now)
    )
    handed = ActionItem.objects.filter(done_at=None, owner=person).select_related(
        "session__employee"
    )
    managers = employee_reviewer_ids(
        {item.session.employee_id for item in handed if item.session.employee_id}
    )
    for item in handed:
        new_owner = managers.get(item.session.employee_id or 0)
        if new_owner is None:
            ActionItem.objects.filter(pk=item.pk).update(withdrawn_at=now, done_at=now)
            report.items_withdrawn += 1
        else:
            ActionItem.objects.filter(pk=item.pk).update(owner_id=new_owner)
            report.items_reassigned += 1
            tell(
                User.objects.filter(pk=new_owner),
                gettext_noop(
                    "%(person)s has left: the action item “%(title)s” for %(coachee)s is now yours."
                ),
                item.session.get_absolute_url(),
                person=person.full_name,
                title=item.title,
                coachee=item.session.employee.full_name if item.session.employee else "—",
            )

    if default_manager is not None:
        tell(
            [default_manager],
            gettext_noop("%(person)s has left the organisation: their open tables were withdrawn.")
            if report.tables_withdrawn
            else gettext_noop("%(person)s has left the organisation."),
            person.get_absolute_url(),
            person=person.full_name,
        )
    return report


def _after_heads_changed(report: LifecycleReport, *, by: User | None) -> None:
    """Department drafts follow their heads of today, and an open table whose reviewer
    now heads the department it assesses goes on up: nobody reviews their own table."""
    report.drafts_routed += route_drafts(department_ids=_departments_with_drafts())
    own = list(
        ReviewTable.objects.filter(
            status__in=OPEN_STATUSES,
            department__isnull=False,
            reviewer_id=F("department__head_id"),
        ).select_related("department")
    )
    reviews_hand_on(
        own,
        by=by,
        reason=gettext_noop("The reviewer now heads this department."),
        notice=gettext_noop(
            "The review of %(table)s is now yours: its reviewer now heads the department."
        ),
    )
    report.reviews_handed_over += len(own)


def _open_items_of(person: User) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(done_at=None).filter(
        Q(owner=person) | Q(session__employee=person)
    )


def _after_rehire(person_ids: list[int], *, by: User | None) -> tuple[list[int], int]:
    """People who came back (an ended assignment before this one) are invited again, and
    their tables withdrawn when they left, of this month or later in cycles still open,
    are theirs again as drafts, routed to their line of today. Returns the ids of the
    people back and how many tables were reopened."""
    back = list(
        Assignment.objects.filter(person_id__in=person_ids, ended_at__isnull=False)
        .values_list("person_id", flat=True)
        .distinct()
    )
    if not back:
        return [], 0
    User.objects.filter(pk__in=back).update(invited_at=None)
    invitations_request(user_ids=back, actor=by)
    tables = list(
        ReviewTable.objects.filter(
            employee_id__in=back,
            status=Status.WITHDRAWN,
            month__gte=timezone.localdate().replace(day=1),
        )
        .exclude(cycle__state=AppraisalCycle.State.CLOSED)
        .select_related("employee")
    )
    ReviewEvent.objects.bulk_create(
        ReviewEvent(
            table=table,
            kind=ReviewEvent.Kind.TRANSITION,
            actor=by,
            from_status=Status.WITHDRAWN,
            to_status=Status.DRAFT,
            comment=_("Reopened: %(person)s is back.") % {"person": table.employee},
        )
        for table in tables
    )
    reopened = ReviewTable.objects.filter(pk__in=[t.pk for t in tables]).update(
        status=Status.DRAFT, version=F("version") + 1
    )
    route_drafts(employee_ids=back)
    return back, reopened


def _departments_with_drafts() -> list[int]:
    return list(
        ReviewTable.objects.filter(department__isnull=False, status=Status.DRAFT)
        .values_list("department_id", flat=True)
        .distinct()
    )
