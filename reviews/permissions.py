"""Who may see, fill, review and question monthly review tables (DESIGN.md §2).

- The assessee (the employee, or the head of a department for its table) fills
  the table while it is a draft or returned.
- The reviewer (any manager above the employee; for a department, the head of
  a department above it) reviews, returns and finalises it.
- HR reads every table. Everyone reads department tables once submitted.
- While a table is in review, the reviewer, HR and (for department tables) the
  heads of other departments ask questions; the assessee answers.
- Nobody edits a finalised table.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.selectors import (
    all_reports_sql,
    headed_department_ids,
    headed_subtree_ids,
    is_manager_of,
    user_roles,
)
from reviews.models import ReviewTable

HIDDEN_FROM_OTHERS = (ReviewTable.Status.DRAFT, ReviewTable.Status.RETURNED)


def tables_visible_to(user: User) -> QuerySet[ReviewTable]:
    queryset = ReviewTable.objects.select_related("employee", "department", "cycle")
    if user_roles(user).is_hr:
        return queryset
    return queryset.filter(
        Q(employee_id=user.pk)
        | Q(employee_id__in=RawSQL(all_reports_sql(), [user.pk]))  # noqa: S611
        | Q(department_id__in=headed_subtree_ids(user))
        | (Q(department__isnull=False) & ~Q(status__in=HIDDEN_FROM_OTHERS))
    )


def is_assessee(user: User, table: ReviewTable) -> bool:
    if table.employee_id is not None:
        return table.employee_id == user.pk
    return table.department_id in headed_department_ids(user)


def is_reviewer(user: User, table: ReviewTable) -> bool:
    if table.employee_id is not None:
        return is_manager_of(user, table.employee_id)
    department = table.department
    return bool(
        department is not None
        and department.parent_id is not None
        and department.parent_id in headed_subtree_ids(user)
    )


def can_edit_as_assessee(user: User, table: ReviewTable) -> bool:
    return table.assessee_can_edit and is_assessee(user, table)


def can_edit_as_reviewer(user: User, table: ReviewTable) -> bool:
    return table.status in {
        ReviewTable.Status.SUBMITTED,
        ReviewTable.Status.IN_REVIEW,
    } and is_reviewer(user, table)


def may_question(user: User, table: ReviewTable) -> bool:
    """Whether ``user`` is among those who ask questions on ``table`` while it is in review."""
    if is_assessee(user, table):
        return False
    if is_reviewer(user, table) or user_roles(user).is_hr:
        return True
    return table.department_id is not None and bool(headed_department_ids(user))


def can_ask(user: User, table: ReviewTable) -> bool:
    return table.status == ReviewTable.Status.IN_REVIEW and may_question(user, table)


def can_answer(user: User, table: ReviewTable) -> bool:
    return table.status == ReviewTable.Status.IN_REVIEW and is_assessee(user, table)


def allowed_actions(user: User, table: ReviewTable) -> set[str]:
    """Workflow steps ``user`` may take on ``table`` now."""
    status = ReviewTable.Status
    actions: set[str] = set()
    if table.status in {status.DRAFT, status.RETURNED} and is_assessee(user, table):
        actions.add("submit")
    if is_reviewer(user, table):
        if table.status == status.SUBMITTED:
            actions |= {"start_review", "return", "finalise"}
        elif table.status == status.IN_REVIEW:
            actions |= {"return", "finalise"}
    return actions


def can_create_tables(user: User) -> bool:
    roles = user_roles(user)
    return roles.is_hr or roles.is_manager or roles.is_department_head


def get_table_for_user(user: User, pk: int) -> ReviewTable:
    """The table if ``user`` may read it, else 404 (its existence is not revealed)."""
    return get_object_or_404(tables_visible_to(user), pk=pk)


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied
