"""Checking an organisation file: each row on its own, then the rows together.

:func:`parse_rows` checks the header and every cell of a row by itself;
:func:`check_rows` checks the rows across each other and against the people
and departments already saved (duplicates, unknown managers and parents,
cycles, two heads). Neither changes anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.models import Department, User

REQUIRED_COLUMNS = ("email", "full_name", "department")
OPTIONAL_COLUMNS = ("job_title", "manager_email", "parent_department", "is_head", "active")
_YES = {"yes", "y", "true", "1", "x", "是"}
_NO = {"", "no", "n", "false", "0", "否"}
# The ``active`` column says it outright: an empty or other cell is a row error.
ACTIVE_YES = {"yes", "y", "true", "1", "active", "是"}
ACTIVE_NO = {"no", "n", "false", "0", "inactive", "否"}
NAME_MAX = 150
# The user model's e-mail column holds this many characters; validate_email allows more.
EMAIL_MAX = 254


@dataclass(frozen=True)
class ImportProblem:
    """What is wrong, where: ``row`` 0 is the file as a whole, 1 the header."""

    row: int
    column: str
    message: str


@dataclass
class ImportRow:
    """One person's row, each cell checked on its own (``number`` as in the file)."""

    number: int
    email: str
    full_name: str
    job_title: str
    department: str
    parent_department: str
    manager_email: str
    is_head: bool
    # ``active`` as the file says it; None when the file has no such column (or the
    # cell says neither yes nor no: a problem of its own).
    active: bool | None = None
    # The columns the file has: an optional column it leaves out changes nothing.
    columns: frozenset[str] = frozenset()


def _normalise_header(value: object) -> str:
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")


def _header_problems(header: list[str]) -> list[ImportProblem]:
    """Missing, unknown and repeated column names.

    An unknown name is refused rather than skipped: a misspelt optional column
    ("manager" for "manager_email") would otherwise import everyone with no
    manager, silently removing the reporting lines already saved.
    """
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    problems = [
        ImportProblem(1, column, _("Missing column “%(column)s”.") % {"column": column})
        for column in REQUIRED_COLUMNS
        if column not in header
    ]
    seen: set[str] = set()
    for name in header:
        if not name:
            continue  # a column without a name (trailing separators) is left alone
        if name in seen:
            problems.append(
                ImportProblem(1, name, _("Column “%(column)s” appears twice.") % {"column": name})
            )
        elif name not in known:
            problems.append(
                ImportProblem(
                    1,
                    name,
                    _("Unknown column “%(column)s”: the columns are %(known)s.")
                    % {"column": name, "known": ", ".join(known)},
                )
            )
        seen.add(name)
    return problems


def parse_rows(table: list[list[str]]) -> tuple[list[ImportRow], list[ImportProblem]]:
    """Check the shape of the table and of each cell on its own."""
    problems: list[ImportProblem] = []
    if not table or not any(table[0]):
        return [], [ImportProblem(1, "", _("The file is empty: it needs a header row."))]
    header = [_normalise_header(h) for h in table[0]]
    # A problem with the columns does not stop the rows from being read: each known
    # column that is there (the first, if it is there twice) is checked row by row,
    # so that every problem is reported in one go, not in rounds.
    problems.extend(_header_problems(header))
    positions = {
        name: header.index(name) for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if name in header
    }
    body = table[1:]
    max_rows = settings.ORG_IMPORT_MAX_ROWS
    if sum(1 for cells in body if any(cells)) > max_rows:
        return [], [
            *problems,
            ImportProblem(1, "", _("The file has more than %(max)d rows.") % {"max": max_rows}),
        ]

    def get(cells: list[str], name: str) -> str:
        index = positions.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    rows: list[ImportRow] = []
    for offset, cells in enumerate(body):
        number = offset + 2
        if not any(cells):
            continue
        email = get(cells, "email").lower()
        manager_email = get(cells, "manager_email").lower()
        head_text = get(cells, "is_head").lower()
        active_text = get(cells, "active").strip().lower()
        row_problems: list[ImportProblem] = []
        for column, value in (("email", email), ("manager_email", manager_email)):
            if column == "email" and not value and column in positions:
                row_problems.append(
                    ImportProblem(number, column, _("The e-mail address is empty."))
                )
            elif len(value) > EMAIL_MAX:
                row_problems.append(
                    ImportProblem(
                        number, column, _("Longer than %(max)d characters.") % {"max": EMAIL_MAX}
                    )
                )
            elif value:
                try:
                    validate_email(value)
                except ValidationError:
                    row_problems.append(
                        ImportProblem(
                            number,
                            column,
                            _("“%(value)s” is not a valid e-mail address.") % {"value": value},
                        )
                    )
        for column in ("full_name", "department"):
            value = get(cells, column)
            # A missing column is said once, for the header, not on every row.
            if not value and column in positions:
                row_problems.append(ImportProblem(number, column, _("This column is empty.")))
        for column in ("full_name", "job_title", "department", "parent_department"):
            if len(get(cells, column)) > NAME_MAX:
                row_problems.append(
                    ImportProblem(
                        number, column, _("Longer than %(max)d characters.") % {"max": NAME_MAX}
                    )
                )
        if head_text not in _YES | _NO:
            row_problems.append(
                ImportProblem(
                    number,
                    "is_head",
                    _("“%(value)s” is not yes or no.") % {"value": get(cells, "is_head")},
                )
            )
        if "active" in positions and active_text not in ACTIVE_YES | ACTIVE_NO:
            row_problems.append(
                ImportProblem(
                    number,
                    "active",
                    _("“%(value)s” is not yes or no (active or inactive).")
                    % {"value": get(cells, "active")},
                )
            )
        if email and manager_email == email:
            row_problems.append(
                ImportProblem(number, "manager_email", _("A person cannot be their own manager."))
            )
        department = department_key(get(cells, "department"))
        if department and department == department_key(get(cells, "parent_department")):
            row_problems.append(
                ImportProblem(
                    number, "parent_department", _("A department cannot be its own parent.")
                )
            )
        problems.extend(row_problems)
        rows.append(
            ImportRow(
                number=number,
                email=email,
                full_name=get(cells, "full_name"),
                job_title=get(cells, "job_title"),
                department=get(cells, "department"),
                parent_department=get(cells, "parent_department"),
                manager_email=manager_email,
                is_head=head_text in _YES,
                # A cell that says neither is reported above; meanwhile the person counts
                # as they are, so that no other row is blamed for it.
                active=(
                    active_text in ACTIVE_YES
                    if "active" in positions and active_text in ACTIVE_YES | ACTIVE_NO
                    else None
                ),
                columns=frozenset(positions),
            )
        )
    if not rows:
        problems.append(ImportProblem(1, "", _("The file has a header but no people.")))
    return rows, problems


def rows_comparable(rows: list[ImportRow]) -> bool:
    """Whether the rows can be checked against each other and the organisation: people
    are told apart by e-mail and placed by department, so both columns must be there."""
    return bool(rows) and {"email", "department"} <= rows[0].columns


def department_key(name: str) -> str:
    """How department names are compared: ignoring case and surrounding spaces."""
    return name.strip().casefold()


def department_names_match(rows: list[ImportRow]) -> None:
    """Spell every department the way the organisation already does.

    ``sales east`` in a file is the saved department "Sales East", not a second,
    headless one; a department new to the file keeps the spelling of the first
    row that names it. Changes ``rows`` in place (``department`` and
    ``parent_department``); reads the saved departments, changes nothing else.
    """
    spelling: dict[str, str] = {}
    for name in Department.objects.order_by("pk").values_list("name", flat=True):
        spelling.setdefault(department_key(name), name)
    for row in rows:
        for column in ("department", "parent_department"):
            name = getattr(row, column)
            if name:
                setattr(row, column, spelling.setdefault(department_key(name), name.strip()))


def _find_cycle(edges: dict[str, str]) -> list[str] | None:
    """A cycle in a child → parent mapping, or None."""
    state: dict[str, int] = {}
    for start in edges:
        path: list[str] = []
        node: str | None = start
        while node is not None and state.get(node, 0) == 0:
            state[node] = 1
            path.append(node)
            node = edges.get(node)
        if node is not None and state.get(node) == 1:
            return path[path.index(node) :]
        for visited in path:
            state[visited] = 2
    return None


def check_rows(rows: list[ImportRow]) -> list[ImportProblem]:
    """Checks across rows and against the people and departments already saved."""
    problems: list[ImportProblem] = []
    by_email: dict[str, ImportRow] = {}
    for row in rows:
        if not row.email:
            continue
        first = by_email.get(row.email)
        if first is not None:
            problems.append(
                ImportProblem(
                    row.number,
                    "email",
                    _("“%(email)s” also appears on row %(row)d.")
                    % {"email": row.email, "row": first.number},
                )
            )
        else:
            by_email[row.email] = row

    saved = User.objects.values_list("email", "manager__email", "is_active")
    existing_users = {email: manager for email, manager, _active in saved}
    active_after = {email: active for email, _manager, active in saved}
    for row in rows:
        if row.email:
            # Without an ``active`` cell a saved person stays as they are; a new one is active.
            stays = active_after.get(row.email, True)
            active_after[row.email] = row.active if row.active is not None else stays
    existing_departments = dict(Department.objects.values_list("name", "parent__name"))
    file_departments = {row.department for row in rows if row.department}

    # Reporting lines: every manager must exist, and the result must be a tree.
    for row in rows:
        if (
            row.manager_email
            and row.manager_email not in by_email
            and row.manager_email not in existing_users
        ):
            problems.append(
                ImportProblem(
                    row.number,
                    "manager_email",
                    _("Unknown manager “%(email)s”: not in this file and not in the organisation.")
                    % {"email": row.manager_email},
                )
            )
        elif (
            row.manager_email
            and active_after.get(row.email, True)
            and not active_after.get(row.manager_email, True)
        ):
            # Issue 15, section 6: nobody active reports to someone who has left.
            problems.append(
                ImportProblem(
                    row.number,
                    "manager_email",
                    _(
                        "Manager “%(email)s” is inactive: choose an active manager, or "
                        "re-activate them in this file (active: yes)."
                    )
                    % {"email": row.manager_email},
                )
            )
    managers: dict[str, str] = {e: m for e, m in existing_users.items() if m}
    for email, row in by_email.items():
        if row.manager_email:
            managers[email] = row.manager_email
        else:
            managers.pop(email, None)
    cycle = _find_cycle(managers)
    if cycle:
        for email in cycle:
            if email in by_email:
                problems.append(
                    ImportProblem(
                        by_email[email].number,
                        "manager_email",
                        _("Reporting lines form a cycle: %(cycle)s.")
                        % {"cycle": " → ".join([*cycle, cycle[0]])},
                    )
                )

    # Departments: one parent each, a known parent, no cycle, at most one head.
    stated_parent: dict[str, tuple[str, int]] = {}
    heads: dict[str, int] = {}
    for row in rows:
        if row.department and row.parent_department:
            earlier = stated_parent.get(row.department)
            if earlier and earlier[0] != row.parent_department:
                problems.append(
                    ImportProblem(
                        row.number,
                        "parent_department",
                        _(
                            "Department “%(department)s” is given parent “%(parent)s” "
                            "on row %(row)d."
                        )
                        % {"department": row.department, "parent": earlier[0], "row": earlier[1]},
                    )
                )
            elif not earlier:
                stated_parent[row.department] = (row.parent_department, row.number)
            if row.parent_department not in file_departments | set(existing_departments):
                problems.append(
                    ImportProblem(
                        row.number,
                        "parent_department",
                        _("Unknown parent department “%(name)s”.")
                        % {"name": row.parent_department},
                    )
                )
        if row.is_head and row.department:
            if row.department in heads:
                problems.append(
                    ImportProblem(
                        row.number,
                        "is_head",
                        _("Department “%(department)s” already has a head on row %(row)d.")
                        % {"department": row.department, "row": heads[row.department]},
                    )
                )
            else:
                heads[row.department] = row.number
    parents: dict[str, str] = {d: p for d, p in existing_departments.items() if p}
    parents.update({d: p for d, (p, _n) in stated_parent.items()})
    department_cycle = _find_cycle(parents)
    if department_cycle:
        for name in department_cycle:
            if name in stated_parent:
                problems.append(
                    ImportProblem(
                        stated_parent[name][1],
                        "parent_department",
                        _("Departments form a cycle: %(cycle)s.")
                        % {"cycle": " → ".join([*department_cycle, department_cycle[0]])},
                    )
                )
    return problems
