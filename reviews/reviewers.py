"""Who reviews a monthly review table (issue 15, sections 2 and 5).

- An employee's table is reviewed by the nearest *active* manager above them.
- A department's table is reviewed by the head of the nearest department above
  it whose head is active and is not the department's own head: nobody reviews
  their own table, whatever the org chart says (a person heading a department
  and the one above it).
- With nobody above (the chief executive, the top department), the table has no
  recorded reviewer: the top reviewer of the job settings reviews it, or HR when
  none is set (or the top reviewer is the assessee).

The reviewer is recorded on the table when it is made (``ReviewTable.reviewer``),
routed to the new line while the table is a draft, and kept from the first
submission on; HR can hand a review over explicitly (``reviews.lifecycle``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from accounts.models import Department, User, org_place_of
from accounts.selectors import nearest_active_manager
from reviews.models import JobSettings, ReviewTable


def employee_reviewer_ids(employee_ids: Iterable[int]) -> dict[int, int | None]:
    """``{employee id: reviewer id or None}``: the nearest active manager above each.

    Two queries for the common case (the direct manager is active); a person
    whose direct manager has left costs one walk up the line.
    """
    ids = list(employee_ids)
    rows = User.objects.filter(pk__in=ids).values_list("pk", "manager_id", "manager__is_active")
    answer: dict[int, int | None] = {}
    for pk, manager_id, manager_active in rows:
        if manager_id is None:
            answer[pk] = None
        elif manager_active:
            answer[pk] = manager_id
        else:
            above = nearest_active_manager(pk)
            answer[pk] = above.pk if above else None
    return answer


def department_reviewer_ids(department_ids: Iterable[int]) -> dict[int, int | None]:
    """``{department id: reviewer id or None}``: the nearest active head above, not its own.

    One query: the department tree is small and read whole.
    """
    tree = {
        pk: (parent_id, head_id if head_active else None)
        for pk, parent_id, head_id, head_active in Department.objects.values_list(
            "pk", "parent_id", "head_id", "head__is_active"
        )
    }
    answer: dict[int, int | None] = {}
    for department_id in department_ids:
        own_head = tree.get(department_id, (None, None))[1]
        answer[department_id] = None
        seen = {department_id}
        parent_id = tree.get(department_id, (None, None))[0]
        while parent_id is not None and parent_id not in seen:
            seen.add(parent_id)
            parent, head_id = tree.get(parent_id, (None, None))
            if head_id is not None and head_id != own_head:
                answer[department_id] = head_id
                break
            parent_id = parent
    return answer


def reviewer_now(table: ReviewTable) -> int | None:
    """Id of whom the organisation names as ``table``'s reviewer today, or None (the top)."""
    if table.employee_id is not None:
        return employee_reviewer_ids([table.employee_id])[table.employee_id]
    assert table.department_id is not None  # noqa: S101 - a check constraint guarantees it
    return department_reviewer_ids([table.department_id])[table.department_id]


def top_reviewer_id() -> int | None:
    """The active top reviewer of the job settings, or None (HR reviews the top)."""
    top = JobSettings.current().top_reviewer
    return top.pk if top is not None and top.is_active else None


def reviewer_named(table: ReviewTable) -> tuple[User | None, bool]:
    """Whom the table's page names as its reviewer: ``(person or None, is the top reviewer)``.

    The recorded reviewer; for a table with nobody above its subject, the active
    top reviewer of the job settings unless they are its assessee; ``(None, False)``
    means HR reviews it. One query at most (the top reviewer).
    """
    if table.reviewer_id is not None:
        return table.reviewer, False
    top = JobSettings.current().top_reviewer
    if top is None or not top.is_active:
        return None, False
    assessees = {table.employee_id}
    if table.department is not None:
        assessees.add(table.department.head_id)
    return (None, False) if top.pk in assessees else (top, True)


def route_drafts(*, employee_ids: Iterable[int] = (), department_ids: Iterable[int] = ()) -> int:
    """Point the draft tables of these subjects at their reviewer of today; how many changed.

    A table not yet submitted goes to the new line (issue 15, section 2); one
    submitted, in review or returned keeps the reviewer it was submitted to. A
    draft of this month or later also records its subject's place of today
    (department and line manager, ``OrgRecord``): the month is the new line's,
    in exports and dashboards and for who reads it. Drafts of months already
    over keep the place they were made in (section 1).
    """
    changed = 0
    this_month = timezone.localdate().replace(day=1)
    employees = User.objects.in_bulk(list(employee_ids))
    departments = Department.objects.in_bulk(list(department_ids))
    subjects: list[tuple[str, int, int | None, dict[str, int | None]]] = [
        ("employee_id", pk, reviewer_id, org_place_of(employee=employees[pk]))
        for pk, reviewer_id in employee_reviewer_ids(employees).items()
    ] + [
        ("department_id", pk, reviewer_id, org_place_of(department=departments[pk]))
        for pk, reviewer_id in department_reviewer_ids(departments).items()
    ]
    for subject, subject_id, reviewer_id, place in subjects:
        drafts = ReviewTable.objects.filter(
            **{subject: subject_id}, status=ReviewTable.Status.DRAFT
        )
        changed += drafts.exclude(reviewer_id=reviewer_id).update(reviewer_id=reviewer_id)
        drafts.filter(month__gte=this_month).exclude(**place).update(**place)
    return changed
