"""Reads of the organisation: the reporting tree, departments, roles.

Every permission check of later apps asks these helpers. They answer with a
fixed number of queries whatever the size of the team: the reporting tree is
walked by one recursive SQL query, and answers are memoised on the user object
for the rest of the request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.id_arrays import IdSet, ids_in
from accounts.models import Assignment, Department, User
from accounts.person_figures import person_figures
from accounts.table_memo import table_memo

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

_CACHE_ATTR = "_cc_org_cache"


def _cache(user: User) -> dict[str, Any]:
    cache: dict[str, Any] | None = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    return cache


def _user_table() -> str:
    return connection.ops.quote_name(User._meta.db_table)


def _department_table() -> str:
    return connection.ops.quote_name(Department._meta.db_table)


def all_reports_sql() -> str:
    """Everyone below the person given as the parameter, walked down level by level.

    The LATERAL subquery with OFFSET 0 keeps PostgreSQL on the manager index for
    each level (it cannot estimate a recursive CTE and would otherwise hash the
    whole user table per level), and UNION ALL with a depth bound needs no hash
    table sized for that estimate. The bound also ends a corrupt cycle.
    """
    table = _user_table()
    step = (
        f"CROSS JOIN LATERAL (SELECT id FROM {table} WHERE manager_id = c.id OFFSET 0) u"
        if connection.vendor == "postgresql"
        else f"INNER JOIN {table} u ON u.manager_id = c.id"  # SQLite (the demo) has no LATERAL
    )
    return (
        "WITH RECURSIVE chain(id, depth) AS ("
        f" SELECT id, 1 FROM {table} WHERE manager_id = %s"
        " UNION ALL"
        f" SELECT u.id, c.depth + 1 FROM chain c {step}"
        " WHERE c.depth < 50"
        ") SELECT id FROM chain"
    )


def _managers_chain_sql() -> str:
    table = _user_table()
    return (
        "WITH RECURSIVE chain(id, manager_id, depth) AS ("
        f" SELECT id, manager_id, 0 FROM {table} WHERE id = %s"
        " UNION"
        f" SELECT u.id, u.manager_id, c.depth + 1 FROM {table} u"
        " INNER JOIN chain c ON u.id = c.manager_id WHERE c.depth < 100"
        ") SELECT id FROM chain WHERE depth > 0 ORDER BY depth"
    )


def _department_subtree_sql() -> str:
    table = _department_table()
    return (
        "WITH RECURSIVE tree(id) AS ("
        f" SELECT id FROM {table} WHERE id = %s"
        " UNION"
        f" SELECT d.id FROM {table} d INNER JOIN tree t ON d.parent_id = t.id"
        ") SELECT id FROM tree"
    )


def _department_ancestors_sql() -> str:
    table = _department_table()
    return (
        "WITH RECURSIVE up(id, parent_id, depth) AS ("
        f" SELECT id, parent_id, 0 FROM {table} WHERE id = %s"
        " UNION"
        f" SELECT d.id, d.parent_id, u.depth + 1 FROM {table} d"
        " INNER JOIN up u ON d.id = u.parent_id WHERE u.depth < 100"
        ") SELECT id FROM up ORDER BY depth"
    )


def department_ancestor_ids(department: Department | int) -> list[int]:
    """The department and the departments above it, nearest first."""
    department_id = department if isinstance(department, int) else department.pk
    with connection.cursor() as cursor:
        cursor.execute(_department_ancestors_sql(), [department_id])
        return [row[0] for row in cursor.fetchall()]


def all_report_ids(user: User) -> frozenset[int]:
    """Ids of everyone below ``user`` in the reporting tree (direct and indirect).

    Walked once per request at most, and kept between requests until the people's
    table changes (``accounts.table_memo``): the CEO's chain of 10,000 takes ~8 ms.
    """
    cache = _cache(user)
    if "all_reports" not in cache:

        def walk() -> frozenset[int]:
            with connection.cursor() as cursor:
                cursor.execute(all_reports_sql(), [user.pk])
                return IdSet(row[0] for row in cursor.fetchall())

        cache["all_reports"] = table_memo(f"all_reports:{user.pk}", walk)
    result: frozenset[int] = cache["all_reports"]
    return result


LARGE_CHAIN = 1000


def in_reports(user: User, field: str = "pk") -> Q:
    """``field`` is one of ``user``'s reports (direct or indirect), for filtering lists.

    The chain is walked once per request (``all_report_ids``, memoised on the user)
    and passed as one array parameter on PostgreSQL, which knows how many rows to
    expect (it cannot estimate a recursive CTE, and walking it inside each query
    walked it once per query). SQLite (the demo) takes a small chain as a list of
    ids and a large one as the recursive subquery.
    """
    ids = all_report_ids(user)
    if connection.vendor == "postgresql" or len(ids) <= LARGE_CHAIN:
        return ids_in(field, ids)
    return Q(**{f"{field}__in": RawSQL(all_reports_sql(), [user.pk])})  # noqa: S611


def direct_report_ids(user: User) -> frozenset[int]:
    cache = _cache(user)
    if "direct_reports" not in cache:
        cache["direct_reports"] = frozenset(
            User.objects.filter(manager_id=user.pk).values_list("pk", flat=True)
        )
    result: frozenset[int] = cache["direct_reports"]
    return result


def is_manager_of(manager: User, employee: User | int) -> bool:
    """True when ``employee`` reports to ``manager`` directly or indirectly."""
    employee_id = employee if isinstance(employee, int) else employee.pk
    if employee_id == manager.pk:
        return False
    return employee_id in all_report_ids(manager)


def manager_chain_ids(user: User) -> list[int]:
    """Ids of the managers above ``user``, nearest first."""
    with connection.cursor() as cursor:
        cursor.execute(_managers_chain_sql(), [user.pk])
        return [row[0] for row in cursor.fetchall()]


def nearest_active_manager(user: User | int) -> User | None:
    """The first *active* person above ``user`` in the reporting line, or None.

    Whoever has left (``is_active`` false) is stepped over: reminders,
    escalations and reviews that would go to them go to this person instead
    (issue 15, "nobody inactive is ever notified"). Two queries.
    """
    user_id = user if isinstance(user, int) else user.pk
    with connection.cursor() as cursor:
        cursor.execute(_managers_chain_sql(), [user_id])
        chain = [row[0] for row in cursor.fetchall()]
    if not chain:
        return None
    active = {person.pk: person for person in User.objects.filter(pk__in=chain, is_active=True)}
    return next((active[pk] for pk in chain if pk in active and pk != user_id), None)


def _managers_above_sql(count: int) -> str:
    table = _user_table()
    starts = ", ".join(["%s"] * count)
    return (
        "WITH RECURSIVE chain(id, manager_id, depth) AS ("
        f" SELECT id, manager_id, 0 FROM {table} WHERE id IN ({starts})"
        " UNION"
        f" SELECT u.id, u.manager_id, c.depth + 1 FROM {table} u"
        " INNER JOIN chain c ON u.id = c.manager_id WHERE c.depth < 100"
        ") SELECT DISTINCT id, manager_id FROM chain"
    )


def reporting_circles(new_managers: Mapping[int, int | None]) -> dict[int, list[int]]:
    """The people of ``new_managers`` (person id → new manager id) who would then stand
    above themselves: for each, the circle as ids, from them up to the one just below them.

    Every writer of ``manager`` asks this before it writes (the admin, HR's move and
    off-boarding pages): a circle would leave a group of people nobody outside it
    manages, and every walk of the chain going round. The changes are taken
    together, so two people each put under the other's team are caught too. One
    query, whatever the number of people.
    """
    starts = sorted({pk for pk in new_managers.values() if pk is not None})
    if not starts:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_managers_above_sql(len(starts)), starts)
        above: dict[int, int | None] = dict(cursor.fetchall())
    above.update(new_managers)
    circles: dict[int, list[int]] = {}
    for person_id, manager_id in new_managers.items():
        path, node, seen = [person_id], manager_id, {person_id}
        while node is not None and node not in seen:
            path.append(node)
            seen.add(node)
            node = above.get(node)
        if node == person_id:
            circles[person_id] = path
    return circles


# A period that ended within this long of its start was a correction (a move made by
# mistake and undone): it grants its manager nothing.
CORRECTION_WINDOW = dt.timedelta(days=1)


def periods_managed() -> Q:
    """The assignment rows that count as a period managed: still open, or that lasted
    at least ``CORRECTION_WINDOW``."""
    return Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at") + CORRECTION_WINDOW)


def was_line_manager_of(user: User, person: User | int) -> bool:
    """True when ``user`` was ever ``person``'s direct manager (the assignment history),
    for a period longer than a correction (``CORRECTION_WINDOW``).

    Managers of a period keep read access to its records (issue 15, section 1). One query.
    """
    person_id = person if isinstance(person, int) else person.pk
    return Assignment.objects.filter(
        periods_managed(), person_id=person_id, manager_id=user.pk
    ).exists()


def former_periods(user: User, person: User) -> list[tuple[dt.date, dt.date]]:
    """The periods ``user`` was ``person``'s direct manager and no longer is, as
    ``[(first day, last day)]`` in local dates: only the ended rows that lasted past
    ``CORRECTION_WINDOW``. A former manager reads the records of these periods and no
    later ones (issue 15, section 1). One query.
    """
    rows = Assignment.objects.filter(
        periods_managed(), person=person, manager_id=user.pk, ended_at__isnull=False
    ).values_list("started_at", "ended_at")
    return [(timezone.localdate(start), timezone.localdate(end)) for start, end in rows]


def assignment_history(person: User) -> list[Assignment]:
    """Where ``person`` was, newest first, with the managers and departments (one query)."""
    return list(
        Assignment.objects.filter(person=person)
        .select_related("manager", "department", "changed_by")
        .order_by("-started_at", "-pk")
    )


def reports_of(user: User, *, indirect: bool = False) -> QuerySet[User]:
    """People who report to ``user``: direct only, or the whole subtree (the chain
    resolved once per request, ``in_reports``: one query, and one more the first time)."""
    queryset = User.objects.select_related("department", "manager")
    if indirect:
        return queryset.filter(in_reports(user))
    return queryset.filter(manager_id=user.pk)


def department_subtree_ids(department: Department | int) -> frozenset[int]:
    """The department and all departments below it."""
    department_id = department if isinstance(department, int) else department.pk
    with connection.cursor() as cursor:
        cursor.execute(_department_subtree_sql(), [department_id])
        return frozenset(row[0] for row in cursor.fetchall())


@dataclass(frozen=True)
class Roles:
    """What a person is in the organisation; decides navigation and access."""

    is_manager: bool = False
    is_department_head: bool = False
    is_hr: bool = False
    is_admin: bool = False

    @property
    def is_employee_only(self) -> bool:
        return not (self.is_manager or self.is_department_head or self.is_hr)


def user_roles(user: User | AnonymousUser) -> Roles:
    """The person's roles, from the org chart and the HR group: from the request's memo,
    else the person's cached figures (``accounts.person_figures``, never stale: the
    ``org`` scope is bumped by every change to them), else one query."""
    if not user.is_authenticated:
        return Roles()
    cache = _cache(user)
    if "roles" not in cache:
        flags = person_figures(user)["role_flags"]
        cache["roles"] = Roles(**flags, is_admin=user.is_staff)
    roles: Roles = cache["roles"]
    return roles


def is_hr(user: User | AnonymousUser) -> bool:
    return user_roles(user).is_hr


def headed_subtree_ids(user: User) -> frozenset[int]:
    """Departments the person heads, and every department below them."""
    cache = _cache(user)
    if "headed_subtree" not in cache:
        ids: set[int] = set()
        for department_id in headed_department_ids(user):
            if department_id not in ids:
                ids |= department_subtree_ids(department_id)
        cache["headed_subtree"] = frozenset(ids)
    result: frozenset[int] = cache["headed_subtree"]
    return result


def headed_department_ids(user: User) -> frozenset[int]:
    cache = _cache(user)
    if "headed" not in cache:
        # The roles (one query that the navigation needs anyway) say whether to look.
        cache["headed"] = (
            frozenset(Department.objects.filter(head_id=user.pk).values_list("pk", flat=True))
            if user_roles(user).is_department_head
            else frozenset()
        )
    result: frozenset[int] = cache["headed"]
    return result


@dataclass
class DepartmentNode:
    department: Department
    member_count: int
    children: list[DepartmentNode]


def department_tree() -> list[DepartmentNode]:
    """The whole department tree with heads and member counts, in one query."""
    departments = list(
        Department.objects.select_related("head").annotate(
            member_count=Count("members", filter=Q(members__is_active=True))
        )
    )
    nodes = {d.pk: DepartmentNode(d, d.member_count, []) for d in departments}
    roots: list[DepartmentNode] = []
    for department in departments:
        node = nodes[department.pk]
        parent = nodes.get(department.parent_id) if department.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def leavers_readable_by(viewer: User) -> Q:
    """The people who left whom ``viewer`` may still read (a ``User`` filter): every one
    for HR; for anyone else those below them and those they once managed directly,
    as ``accounts.permissions.can_read_person`` says for one person."""
    if user_roles(viewer).is_hr:
        return Q(is_active=False)
    managed_once = Exists(
        Assignment.objects.filter(periods_managed(), person_id=OuterRef("pk"), manager_id=viewer.pk)
    )
    # The reports as a subquery, not ``in_reports``: one query fewer, where the list
    # of people who left is short.
    below = Q(pk__in=RawSQL(all_reports_sql(), [viewer.pk]))  # noqa: S611
    return Q(is_active=False) & (below | Q(managed_once))


def reads_some_leaver(viewer: User) -> bool:
    """Whether anyone who left is readable by ``viewer`` (HR: without a query)."""
    if user_roles(viewer).is_hr:
        return True
    return User.objects.filter(leavers_readable_by(viewer)).exists()


def people_search(
    *,
    viewer: User,
    query: str = "",
    department_ids: Iterable[int] | None = None,
    include_left: bool = False,
) -> QuerySet[User]:
    """People matching a free-text query on name, e-mail, title or department: the active
    ones, and with ``include_left`` those who left whom ``viewer`` may read, each with
    ``left_at``, the end of their last assignment (None for the others)."""
    visible = Q(is_active=True)
    if include_left:
        visible |= leavers_readable_by(viewer)
    queryset = User.objects.filter(visible).select_related("department", "manager")
    if include_left:
        last_end = Assignment.objects.filter(person_id=OuterRef("pk"), ended_at__isnull=False)
        queryset = queryset.annotate(
            left_at=Case(
                When(
                    is_active=False,
                    then=Subquery(last_end.order_by("-ended_at").values("ended_at")[:1]),
                ),
                default=None,
            )
        )
    if department_ids is not None:
        queryset = queryset.filter(department_id__in=list(department_ids))
    for term in query.split():
        queryset = queryset.filter(
            Q(full_name__icontains=term)
            | Q(email__icontains=term)
            | Q(job_title__icontains=term)
            | Q(department__name__icontains=term)
        )
    return queryset.order_by("full_name", "email")
