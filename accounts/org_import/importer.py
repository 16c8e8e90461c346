"""Reading an organisation file within its limits and applying its checked rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.data_versions import data_changed
from accounts.extensions import org_changed
from accounts.models import Assignment, Department, OrgChange, User, org_change_context
from accounts.org_import.chart import chart_warnings
from accounts.org_import.checks import (
    ImportProblem,
    ImportRow,
    check_rows,
    department_names_match,
    parse_rows,
    rows_comparable,
)
from accounts.person_figures import ORG
from accounts.services import invitations_request
from accounts.spreadsheets import TableFileError, TableLimits
from accounts.spreadsheets import read_table as read_table_file


@dataclass
class ImportResult:
    """What an import found (``problems``, ``warnings``) or did, dry run or not.

    The id lists say exactly whom the import changed, for the services that act
    on such changes after it (issue 15: off-boarding, moves): people
    ``deactivated`` (active before, inactive now), ``reactivated`` (the other
    way), and those whose manager or department changed, with what each had
    before in ``previous_assignments`` (user id → (manager id, department id)).
    People created by the file are in ``created_user_ids`` only.
    """

    problems: list[ImportProblem] = field(default_factory=list)
    # Informational: the chart would make someone review their own table, or nobody (chart.py).
    warnings: list[ImportProblem] = field(default_factory=list)
    people_created: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    departments_created: int = 0
    departments_updated: int = 0
    created_user_ids: list[int] = field(default_factory=list)
    deactivated_user_ids: list[int] = field(default_factory=list)
    reactivated_user_ids: list[int] = field(default_factory=list)
    reactivated_names: list[str] = field(default_factory=list)
    manager_changed_user_ids: list[int] = field(default_factory=list)
    department_changed_user_ids: list[int] = field(default_factory=list)
    previous_assignments: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)
    dry_run: bool = False
    # Who moved, joined or left (the assignment history's changes), and what the
    # apps above did about it (``accounts.extensions.org_changed``), in words.
    org_changes: list[OrgChange] = field(default_factory=list)
    followed: list[str] = field(default_factory=list)

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

# Columns beyond the known ones are refused by name; this caps what is read at all.
MAX_COLUMNS = 50


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
            user.is_active = row.active is not False
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
        wanted: dict[str, object] = {
            "full_name": row.full_name,
            "department_id": departments[row.department].pk,
        }
        # Only the columns the file has change data; an empty cell in one clears it.
        if "job_title" in row.columns:
            wanted["job_title"] = row.job_title
        if "manager_email" in row.columns:
            wanted["manager_id"] = manager_ids[row.manager_email] if row.manager_email else None
        if row.active is not None:
            wanted["is_active"] = row.active
        before = (user.manager_id, user.department_id)
        diff = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in diff:
            setattr(user, name, wanted[name])
        if "is_active" in diff and user.is_active:
            # Re-hired: invited again (issue 15, section 3), with the usual invitation.
            user.invited_at = None
            diff.append("invited_at")
        if diff:
            changed_users.append(user)
            changed_fields.update(name.removesuffix("_id") for name in diff)
        if row.email in existing_emails:
            _note_changes(result, user, diff, before)
    if changed_users:
        User.objects.bulk_update(changed_users, sorted(changed_fields), batch_size=1000)
    if new_people or changed_users:
        # Bulk writes send no signals: the cached roles of the navigation are bumped here.
        data_changed(ORG)

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


def _note_changes(
    result: ImportResult, user: User, diff: list[str], before: tuple[int | None, int | None]
) -> None:
    """Count a saved person as updated or not, and list them by what changed."""
    if not diff:
        result.people_unchanged += 1
        return
    result.people_updated += 1
    if "is_active" in diff:
        if user.is_active:
            result.reactivated_user_ids.append(user.pk)
            result.reactivated_names.append(user.full_name or user.email)
        else:
            result.deactivated_user_ids.append(user.pk)
    if "manager_id" in diff:
        result.manager_changed_user_ids.append(user.pk)
    if "department_id" in diff:
        result.department_changed_user_ids.append(user.pk)
    if "manager_id" in diff or "department_id" in diff:
        result.previous_assignments[user.pk] = before


def org_import(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    invite: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Check a whole file and, if every row is good, apply it in one transaction.

    A bad file raises nothing: its problems are in ``result.problems`` and nothing is saved.
    Warnings about the resulting chart (``result.warnings``) block nothing. A
    re-activated person is invited again whatever ``invite`` says (issue 15,
    section 3: a re-hired person is re-activated and invited); ``invite`` asks
    for invitations to the people the file creates.
    """
    result = ImportResult(dry_run=dry_run)
    try:
        table = read_table(data, filename)
    except ImportFileError as exc:
        result.problems.append(ImportProblem(0, "", str(exc)))
        return result
    rows, problems = parse_rows(table)
    if rows_comparable(rows):
        # Checked across rows even when some cells are wrong, so that every problem is
        # listed at once; a cell already reported is not blamed a second time.
        department_names_match(rows)
        reported = {(p.row, p.column) for p in problems}
        problems += [p for p in check_rows(rows) if (p.row, p.column) not in reported]
    result.problems = sorted(problems, key=lambda p: (p.row, p.column))
    if result.problems:
        return result
    try:
        with (
            transaction.atomic(),
            org_change_context(by=actor, source=Assignment.Source.IMPORT),
        ):
            _apply(rows, result)
            emails = [row.email for row in rows]
            people = User.objects.filter(email__in=emails).values_list("pk", flat=True)
            result.org_changes = Assignment.objects.sync(people)
            # Run in a dry run too: its preview says what would follow, then rolls back.
            result.followed = org_changed.run(result.org_changes, actor)
            result.warnings = chart_warnings(rows)
            if dry_run:
                transaction.set_rollback(True)
                return result
            invited = result.reactivated_user_ids + (result.created_user_ids if invite else [])
            if invited:
                invitations_request(user_ids=invited, actor=actor)
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


def problems_as_text(problems: list[ImportProblem]) -> str:
    """One line per problem, "row 6 [email]: message", for the command line."""
    lines = []
    for problem in problems:
        where = _("row %(row)d") % {"row": problem.row} if problem.row else _("file")
        column = f" [{problem.column}]" if problem.column else ""
        lines.append(f"{where}{column}: {problem.message}")
    return "\n".join(lines)
