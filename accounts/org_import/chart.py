"""Warnings about the chart an import leaves: tables nobody, or only their own head, reviews.

A department's table is reviewed by the head of the nearest department above
it that has a head. Issue 15, section 5: nobody reviews their own table, and a
table with nobody above goes to the top reviewer or HR. The import cannot know
what HR means, so these are warnings: they block nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.org_import.checks import ImportProblem, ImportRow, department_key


@dataclass(frozen=True)
class _Node:
    name: str
    parent_id: int | None
    head_id: int | None


def _reviewing_department(nodes: dict[int, _Node], department_id: int) -> _Node | None:
    """The nearest department above with a head (a corrupt cycle ends the walk)."""
    seen = {department_id}
    parent_id = nodes[department_id].parent_id
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        node = nodes[parent_id]
        if node.head_id is not None:
            return node
        parent_id = node.parent_id
    return None


def _row_of(rows: list[ImportRow], department: str, head_email: str) -> tuple[int, str]:
    """Where the file speaks of this department's head: their row, else the first naming it."""
    key = department_key(department)
    for row in rows:
        if row.is_head and row.email == head_email and department_key(row.department) == key:
            return row.number, "is_head"
    for row in rows:
        if row.email == head_email:
            return row.number, "email"
    for row in rows:
        if department_key(row.department) == key:
            return row.number, "department"
    return 0, ""


def chart_warnings(rows: list[ImportRow]) -> list[ImportProblem]:
    """Warnings about the file's departments, read from the chart as saved now.

    Called inside the import's transaction, after its rows are applied (a dry run
    too, before it is rolled back). Two cases: a person who heads a department
    and the department above it that reviews its table (they would review their
    own table); a department with no department above it with a head whose head
    reports to nobody (its table has nobody above: the top reviewer or HR
    reviews it). Three queries.
    """
    named = {department_key(r.department) for r in rows}
    nodes = {
        pk: _Node(name, parent_id, head_id)
        for pk, name, parent_id, head_id in Department.objects.values_list(
            "pk", "name", "parent_id", "head_id"
        )
    }
    head_ids = {node.head_id for node in nodes.values() if node.head_id is not None}
    heads = {
        pk: (name or email, email, manager_id)
        for pk, name, email, manager_id in User.objects.filter(pk__in=head_ids).values_list(
            "pk", "full_name", "email", "manager_id"
        )
    }
    warnings: list[ImportProblem] = []
    for pk, node in sorted(nodes.items(), key=lambda item: item[1].name):
        if node.head_id is None:
            continue
        above = _reviewing_department(nodes, pk)
        # The file's departments, and those whose reviewing department it names.
        if department_key(node.name) not in named and (
            above is None or department_key(above.name) not in named
        ):
            continue
        person, email, manager_id = heads[node.head_id]
        row, column = _row_of(rows, node.name, email)
        if above is not None and above.head_id == node.head_id:
            warnings.append(
                ImportProblem(
                    row,
                    column,
                    _(
                        "%(person)s heads both “%(department)s” and “%(above)s”, whose head "
                        "reviews its tables: they would review their own table, so it goes to "
                        "the next person up. Give one of the two departments another head."
                    )
                    % {"person": person, "department": node.name, "above": above.name},
                )
            )
        elif above is None and manager_id is None and department_key(node.name) in named:
            warnings.append(
                ImportProblem(
                    row,
                    column,
                    _(
                        "Nobody is above “%(department)s”: it has no parent department with a "
                        "head and its head %(person)s reports to nobody, so its tables are "
                        "reviewed by the top reviewer or HR."
                    )
                    % {"department": node.name, "person": person},
                )
            )
    return sorted(warnings, key=lambda w: (w.row, w.column))
