"""Bulk import of people, departments, heads and reporting lines.

The file is a table (CSV or the first sheet of an XLSX workbook), one row per
person. It is all-or-nothing: every row is checked first, and any problem
imports nothing and is reported with its row number (the header is row 1).
People are matched by e-mail, so importing an updated file updates them in
place and importing the same file again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.spreadsheets import TableFileError, TableLimits
from accounts.spreadsheets import read_table as read_table_file

REQUIRED_COLUMNS = ("email", "full_name", "department")
OPTIONAL_COLUMNS = ("job_title", "manager_email", "parent_department", "is_head")
_YES = {"yes", "y", "true", "1", "x", "是"}
_NO = {"", "no", "n", "false", "0", "否"}
NAME_MAX = 150


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str
    message: str


@dataclass
class ImportRow:
    number: int
    email: str
    full_name: str
    job_title: str
    department: str
    parent_department: str
    manager_email: str
    is_head: bool


@dataclass
class ImportResult:
    problems: list[ImportProblem] = field(default_factory=list)
    people_created: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    departments_created: int = 0
    departments_updated: int = 0
    created_user_ids: list[int] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return bool(
            self.people_created
            or self.people_updated
            or self.departments_created
            or self.departments_updated
        )


# Kept under its old name: callers catch it.
ImportFileError = TableFileError

# The user model's e-mail column holds this many characters; validate_email allows more.
EMAIL_MAX = 254
# Columns beyond the known ones are refused by name; this caps what is read at all.
MAX_COLUMNS = 50


def _normalise_header(value: object) -> str:
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")


def import_limits() -> TableLimits:
    """How much of a file the import reads, from settings (see README, Configuration)."""
    return TableLimits(
        max_rows=settings.ORG_IMPORT_MAX_ROWS,
        max_columns=MAX_COLUMNS,
        max_unpacked_bytes=settings.ORG_IMPORT_MAX_UNPACKED_BYTES,
    )


def size_problem(size: int) -> str | None:
    """Why a file of ``size`` bytes is refused before it is read, or None."""
    limit = settings.ORG_IMPORT_MAX_BYTES
    if size > limit:
        return _("The file is larger than %(max)s MB.") % {"max": _megabytes(limit)}
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """Rows of cells (strings) from CSV or XLSX bytes, header first."""
    problem = size_problem(len(data))
    if problem:
        raise ImportFileError(problem)
    return read_table_file(data, filename, import_limits())


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
    header_problems = _header_problems(header)
    if header_problems:
        return [], header_problems
    positions = {
        name: header.index(name) for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if name in header
    }
    body = table[1:]
    max_rows = settings.ORG_IMPORT_MAX_ROWS
    if sum(1 for cells in body if any(cells)) > max_rows:
        return [], [
            ImportProblem(1, "", _("The file has more than %(max)d rows.") % {"max": max_rows})
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
        row_problems: list[ImportProblem] = []
        for column, value in (("email", email), ("manager_email", manager_email)):
            if column == "email" and not value:
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
            if not value:
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
        if email and manager_email == email:
            row_problems.append(
                ImportProblem(number, "manager_email", _("A person cannot be their own manager."))
            )
        if get(cells, "department") and get(cells, "department") == get(cells, "parent_department"):
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
            )
        )
    if not rows and not problems:
        problems.append(ImportProblem(1, "", _("The file has a header but no people.")))
    return rows, problems


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

    existing_users = dict(User.objects.values_list("email", "manager__email"))
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


def _apply(rows: list[ImportRow], result: ImportResult) -> None:
    departments = {d.name: d for d in Department.objects.select_for_update()}
    created_departments: set[str] = set()
    names = {r.department for r in rows} | {
        r.parent_department for r in rows if r.parent_department
    }
    for name in sorted(names - set(departments)):
        departments[name] = Department.objects.create(name=name)
        created_departments.add(name)
    result.departments_created = len(created_departments)

    emails = [r.email for r in rows]
    people = {u.email: u for u in User.objects.select_for_update().filter(email__in=emails)}
    existing_emails = set(people)
    now = timezone.now()
    new_people = []
    for row in rows:
        if row.email not in people:
            user = User(email=row.email, full_name=row.full_name, date_joined=now)
            user.set_unusable_password()
            new_people.append(user)
    for user in User.objects.bulk_create(new_people):
        people[user.email] = user
    result.created_user_ids = [u.pk for u in new_people]
    result.people_created = len(new_people)

    # Reporting lines can point at people outside the file who already exist.
    outside = {r.manager_email for r in rows if r.manager_email} - set(people)
    manager_ids = dict(User.objects.filter(email__in=outside).values_list("email", "pk"))
    manager_ids.update({email: user.pk for email, user in people.items()})

    changed_users: list[User] = []
    changed_fields: set[str] = set()
    for row in rows:
        user = people[row.email]
        wanted = {
            "full_name": row.full_name,
            "job_title": row.job_title,
            "department_id": departments[row.department].pk,
            "manager_id": manager_ids[row.manager_email] if row.manager_email else None,
        }
        diff = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in diff:
            setattr(user, name, wanted[name])
        if diff:
            changed_users.append(user)
            changed_fields.update(name.removesuffix("_id") for name in diff)
        if row.email in existing_emails:
            if diff:
                result.people_updated += 1
            else:
                result.people_unchanged += 1
    if changed_users:
        User.objects.bulk_update(changed_users, sorted(changed_fields), batch_size=1000)

    parent_of = {r.department: r.parent_department for r in rows if r.parent_department}
    head_of = {r.department: people[r.email].pk for r in rows if r.is_head}
    for name, department in departments.items():
        fields = []
        if name in parent_of and department.parent_id != departments[parent_of[name]].pk:
            department.parent = departments[parent_of[name]]
            fields.append("parent")
        if name in head_of and department.head_id != head_of[name]:
            department.head_id = head_of[name]
            fields.append("head")
        if fields:
            department.save(update_fields=fields)
            if name not in created_departments:
                result.departments_updated += 1


def org_import(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    invite: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Check a whole file and, if every row is good, apply it in one transaction."""
    result = ImportResult(dry_run=dry_run)
    try:
        table = read_table(data, filename)
    except ImportFileError as exc:
        result.problems.append(ImportProblem(0, "", str(exc)))
        return result
    rows, problems = parse_rows(table)
    if problems:
        result.problems = problems
        return result
    result.problems = sorted(check_rows(rows), key=lambda p: (p.row, p.column))
    if result.problems:
        return result
    try:
        with transaction.atomic():
            _apply(rows, result)
            if dry_run:
                transaction.set_rollback(True)
                return result
            if invite and result.created_user_ids:
                from accounts.services import invitations_request

                invitations_request(user_ids=result.created_user_ids, actor=actor)
    except IntegrityError:
        # Another import created the same person or department meanwhile.
        return ImportResult(
            dry_run=dry_run,
            problems=[
                ImportProblem(
                    0, "", _("Another import changed the organisation meanwhile. Try again.")
                )
            ],
        )
    return result


def read_file(path: Path) -> tuple[bytes, str]:
    return path.read_bytes(), path.name


def problems_as_text(problems: list[ImportProblem]) -> str:
    lines = []
    for problem in problems:
        where = _("row %(row)d") % {"row": problem.row} if problem.row else _("file")
        column = f" [{problem.column}]" if problem.column else ""
        lines.append(f"{where}{column}: {problem.message}")
    return "\n".join(lines)
