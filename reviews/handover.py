"""Handing a table's review to someone else: by HR, explicitly, or by what follows a
change in the organisation (issue 15, section 2). Each handover is recorded in the
table's history and told to whom it concerns."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils.functional import lazystr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_stubs_ext import StrOrPromise

from accounts.models import User
from accounts.selectors import all_report_ids, user_roles
from accounts.services import notify_each
from reviews.models import ReviewEvent, ReviewTable
from reviews.reviewers import reviewer_named, reviewer_now


def handover_assessee_ids(table: ReviewTable) -> set[int]:
    """Ids of the people ``table`` assesses: its employee, or its department's head."""
    ids = {table.employee_id} if table.employee_id else set()
    if table.department is not None and table.department.head_id:
        ids.add(table.department.head_id)
    return ids


def handover_refusal(table: ReviewTable, person: User) -> str:
    """Why ``person`` cannot take over the review of ``table``, in the reader's
    language; empty when they can (active; a manager, a department head or in HR;
    not the assessee, not its reviewer already, not below its subject)."""
    if not person.is_active:
        return _("%(name)s has left the organisation.") % {"name": person.full_name}
    assessees = handover_assessee_ids(table)
    if person.pk in assessees:
        return _("Nobody reviews their own table.")
    if person.pk == table.reviewer_id:
        return _("%(name)s reviews this table already.") % {"name": person.full_name}
    if any(person.pk in all_report_ids(User(pk=subject)) for subject in assessees):
        return _("%(name)s reports to the person this table assesses.") % {"name": person.full_name}
    roles = user_roles(person)
    if not (roles.is_manager or roles.is_department_head or roles.is_hr):
        return _(
            "%(name)s neither manages people nor works in HR: choose a manager, a "
            "department head or someone in HR."
        ) % {"name": person.full_name}
    return ""


@transaction.atomic
def review_handover(*, table: ReviewTable, to: User, by: User, reason: str) -> ReviewTable:
    """HR hands the review of ``table`` to ``to``, recorded in its history with ``reason``;
    the new and the previous reviewer are told.

    Raises ``ValueError`` (with ``handover_refusal``'s text) when ``to`` cannot review it.
    """
    table = (
        ReviewTable.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=table.pk)
    )
    problem = handover_refusal(table, to)
    if problem:
        raise ValueError(problem)
    previous = table.reviewer
    ReviewTable.objects.filter(pk=table.pk).update(reviewer=to, version=F("version") + 1)
    ReviewEvent.objects.create(
        table=table,
        kind=ReviewEvent.Kind.CHANGE,
        actor=by,
        comment=reason,
        changes={"reviewer": [previous.full_name if previous else "", to.full_name]},
    )
    tell(
        [to],
        gettext_noop("%(actor)s handed you the review of %(table)s."),
        table.get_absolute_url(),
        actor=by.full_name,
        table=lazystr(table),
    )
    if previous is not None:
        tell(
            [previous],
            gettext_noop("%(actor)s handed the review of %(table)s to %(name)s."),
            table.get_absolute_url(),
            actor=by.full_name,
            table=lazystr(table),
            name=to.full_name,
        )
    table.refresh_from_db()
    return table


def reviews_hand_on(
    tables: list[ReviewTable], *, by: User | None, reason: str, notice: str, **params: str
) -> None:
    """Each table to its reviewer of today, recorded in its history and told to them.

    ``reason`` (one of ``ReviewEvent.SYSTEM_COMMENTS``) goes into the table's history
    as its message id, worded in each reader's language when shown; ``notice`` (a
    message id, with ``%(table)s`` and ``params``) tells each new reviewer, in theirs.
    """
    names = {
        pk: person.full_name
        for pk, person in User.objects.in_bulk(
            {t.reviewer_id for t in tables if t.reviewer_id}
        ).items()
    }
    told: dict[int, list[ReviewTable]] = {}
    for table in tables:
        new_reviewer = reviewer_now(table)
        before = names.get(table.reviewer_id or 0, "")
        ReviewTable.objects.filter(pk=table.pk).update(
            reviewer_id=new_reviewer, version=F("version") + 1
        )
        ReviewEvent.objects.create(
            table=table,
            kind=ReviewEvent.Kind.CHANGE,
            actor=by,
            comment=reason,
            changes={"reviewer": [before, reviewer_name_for(new_reviewer, table)]},
        )
        if new_reviewer is not None:
            told.setdefault(new_reviewer, []).append(table)
    for reviewer in User.objects.filter(pk__in=told):
        for table in told[reviewer.pk]:
            tell([reviewer], notice, table.get_absolute_url(), table=lazystr(table), **params)


# (what the report counts, its message, plural by "n"): the summary's parts, in order.


def reviewer_name_for(pk: int | None, table: ReviewTable) -> str:
    """The name the history gives a table's new reviewer (the top reviewer, or HR, at the top)."""
    if pk is not None:
        return User.objects.only("full_name").get(pk=pk).full_name
    table.reviewer_id = None
    top, _is_top = reviewer_named(table)
    return top.full_name if top is not None else _("HR")


def tell(recipients: Iterable[User], message: str, url: str, **params: StrOrPromise) -> None:
    """In-app notice to each active recipient, in their language, once committed."""
    people = [person for person in recipients if person.is_active]
    transaction.on_commit(lambda: notify_each((person, message, url, params) for person in people))
