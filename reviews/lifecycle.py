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
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from accounts.models import Assignment, Department, OrgChange, User, org_change_context
from accounts.selectors import manager_chain_ids, nearest_active_manager
from accounts.services import invitations_request, notify_each
from coaching.models import ActionItem
from plans.models import AppraisalCycle, Objective, PerformancePlan, PlanReopening
from reviews.models import CLOSED_STATUSES, ReviewEvent, ReviewTable
from reviews.reviewers import employee_reviewer_ids, reviewer_now, route_drafts

Status = ReviewTable.Status
OPEN_STATUSES = [s for s in Status if s not in CLOSED_STATUSES]


@dataclass
class LifecycleReport:
    """What a move or an off-boarding did, for the page, the import and the admin to show."""

    moved: list[int] = field(default_factory=list)
    left: list[int] = field(default_factory=list)
    drafts_routed: int = 0
    plans_reopened: int = 0
    objectives_flagged: int = 0
    tables_withdrawn: int = 0
    items_withdrawn: int = 0
    items_reassigned: int = 0
    reviews_handed_over: int = 0
    # (report id, new manager id or None): the reports of people who left, for HR to confirm.
    reports_moved: list[tuple[int, int | None]] = field(default_factory=list)

    def __str__(self) -> str:
        """What was done, in one sentence of the reader's language (empty: nothing)."""
        return report_summary(self)

    def merge(self, other: LifecycleReport) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            setattr(self, name, mine + value)


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
    _invite_rehired(rehired, by=by)
    report.drafts_routed += route_drafts(department_ids=_departments_with_drafts())
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
    report.drafts_routed += route_drafts(department_ids=_departments_with_drafts())
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
        ),
        default_manager=nearest_active_manager(person),
    )


@transaction.atomic
def review_handover(*, table: ReviewTable, to: User, by: User, reason: str) -> ReviewTable:
    """HR hands the review of ``table`` to ``to``, recorded in its history.

    Raises ``ValueError`` when ``to`` is inactive or is the table's assessee.
    """
    assessees = {table.employee_id} if table.employee_id else set()
    if table.department is not None and table.department.head_id:
        assessees.add(table.department.head_id)
    if not to.is_active or to.pk in assessees:
        raise ValueError("not a possible reviewer")
    previous = table.reviewer
    ReviewTable.objects.filter(pk=table.pk).update(reviewer=to, version=F("version") + 1)
    ReviewEvent.objects.create(
        table=table,
        kind=ReviewEvent.Kind.CHANGE,
        actor=by,
        comment=reason,
        changes={"reviewer": [str(previous) if previous else "", str(to)]},
    )
    _tell(
        [to],
        gettext_noop("%(actor)s handed you the review of %(table)s."),
        table.get_absolute_url(),
        actor=by.full_name,
        table=str(table),
    )
    table.refresh_from_db()
    return table


# --- What follows a change ------------------------------------------------------


def _after_move(change: OrgChange, *, by: User | None) -> LifecycleReport:
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
    _tell(
        [person],
        gettext_noop(
            "You now report to %(new)s (%(department)s). Your plan waits for their confirmation."
        )
        if change.manager_changed
        else gettext_noop("You are now in %(department)s."),
        url,
        **params,
    )
    _tell(
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
            report.merge(_after_move(change, by=by))
    for department in Department.objects.filter(head=person):
        department.head = new_heads.get(department.pk, default_manager)
        department.save(update_fields=["head"])

    # The reviews they held go with their reports: to each table's reviewer of today.
    held = list(
        ReviewTable.objects.filter(reviewer=person, status__in=OPEN_STATUSES)
        .exclude(employee=person)
        .select_related("department")
    )
    for table in held:
        new_reviewer = reviewer_now(table)
        ReviewTable.objects.filter(pk=table.pk).update(
            reviewer_id=new_reviewer, version=F("version") + 1
        )
        ReviewEvent.objects.create(
            table=table,
            kind=ReviewEvent.Kind.CHANGE,
            actor=by,
            comment=_("The reviewer left the organisation."),
            changes={"reviewer": [person.full_name, _reviewer_name(new_reviewer)]},
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

    if default_manager is not None:
        _tell(
            [default_manager],
            gettext_noop("%(person)s has left: their open tables were withdrawn."),
            person.get_absolute_url(),
            person=person.full_name,
        )
    return report


def report_summary(report: LifecycleReport) -> str:
    """What a move or an off-boarding did, in one sentence for the page's message."""
    parts = []
    if report.tables_withdrawn:
        parts.append(
            ngettext(
                "%(n)d open table withdrawn", "%(n)d open tables withdrawn", report.tables_withdrawn
            )
            % {"n": report.tables_withdrawn}
        )
    if report.drafts_routed:
        parts.append(
            ngettext(
                "%(n)d draft table sent to the new reviewer",
                "%(n)d draft tables sent to the new reviewer",
                report.drafts_routed,
            )
            % {"n": report.drafts_routed}
        )
    if report.plans_reopened:
        parts.append(
            ngettext(
                "%(n)d plan waits for the new manager's confirmation",
                "%(n)d plans wait for the new manager's confirmation",
                report.plans_reopened,
            )
            % {"n": report.plans_reopened}
        )
    if report.objectives_flagged:
        parts.append(
            ngettext(
                "%(n)d objective's alignment to be checked",
                "%(n)d objectives' alignment to be checked",
                report.objectives_flagged,
            )
            % {"n": report.objectives_flagged}
        )
    if report.reports_moved:
        parts.append(
            ngettext(
                "%(n)d report moved to a new manager",
                "%(n)d reports moved to a new manager",
                len(report.reports_moved),
            )
            % {"n": len(report.reports_moved)}
        )
    if report.reviews_handed_over:
        parts.append(
            ngettext(
                "%(n)d review handed over", "%(n)d reviews handed over", report.reviews_handed_over
            )
            % {"n": report.reviews_handed_over}
        )
    if report.items_withdrawn:
        parts.append(
            ngettext(
                "%(n)d action item withdrawn",
                "%(n)d action items withdrawn",
                report.items_withdrawn,
            )
            % {"n": report.items_withdrawn}
        )
    if report.items_reassigned:
        parts.append(
            ngettext(
                "%(n)d action item handed on",
                "%(n)d action items handed on",
                report.items_reassigned,
            )
            % {"n": report.items_reassigned}
        )
    return "; ".join(parts)


def _open_items_of(person: User) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(done_at=None).filter(
        Q(owner=person) | Q(session__employee=person)
    )


def _invite_rehired(person_ids: list[int], *, by: User | None) -> None:
    """People who came back (an ended assignment before this one) are invited again."""
    back = list(
        Assignment.objects.filter(person_id__in=person_ids, ended_at__isnull=False)
        .values_list("person_id", flat=True)
        .distinct()
    )
    if back:
        User.objects.filter(pk__in=back).update(invited_at=None)
        invitations_request(user_ids=back, actor=by)


def _departments_with_drafts() -> list[int]:
    return list(
        ReviewTable.objects.filter(department__isnull=False, status=Status.DRAFT)
        .values_list("department_id", flat=True)
        .distinct()
    )


def _reviewer_name(pk: int | None) -> str:
    if pk is None:
        return _("the top reviewer or HR")
    return User.objects.only("full_name").get(pk=pk).full_name


def _tell(recipients: Iterable[User], message: str, url: str, **params: str) -> None:
    """In-app notice to each active recipient, in their language, once committed."""
    people = [person for person in recipients if person.is_active]
    transaction.on_commit(lambda: notify_each((person, message, url, params) for person in people))
