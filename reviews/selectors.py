"""Reads of review tables; every list starts from ``tables_visible_to``."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL

from accounts.models import User
from accounts.selectors import all_reports_sql, headed_department_ids, headed_subtree_ids
from reviews.models import ReviewTable
from reviews.permissions import tables_visible_to

Status = ReviewTable.Status


def with_counts(queryset: QuerySet[ReviewTable]) -> QuerySet[ReviewTable]:
    return queryset.annotate(
        open_inquiries=Count("inquiries", filter=Q(inquiries__answered_at__isnull=True)),
        row_count=Count("rows", distinct=True),
    )


def tables_of_assessee(user: User) -> QuerySet[ReviewTable]:
    """The person's own tables and those of departments they head."""
    return with_counts(
        tables_visible_to(user).filter(
            Q(employee_id=user.pk) | Q(department_id__in=headed_department_ids(user))
        )
    ).order_by("-month", "department__name")


def tables_to_review(user: User, *, everything: bool = False) -> QuerySet[ReviewTable]:
    """Tables of the person's reports and of departments below the ones they head."""
    below = [pk for pk in headed_subtree_ids(user) if pk not in headed_department_ids(user)]
    queryset = tables_visible_to(user).filter(
        Q(employee_id__in=RawSQL(all_reports_sql(), [user.pk]))  # noqa: S611
        | Q(department_id__in=below)
    )
    if not everything:
        queryset = queryset.filter(status__in=[Status.SUBMITTED, Status.IN_REVIEW])
    return with_counts(queryset).order_by("deadline", "employee__full_name", "department__name")


def department_tables_open_for_questions(user: User) -> QuerySet[ReviewTable]:
    return with_counts(
        tables_visible_to(user).filter(department__isnull=False, status=Status.IN_REVIEW)
    ).order_by("-month", "department__name")
