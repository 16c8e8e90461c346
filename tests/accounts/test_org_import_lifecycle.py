"""The org import as HR means it when people leave and come back (issue 15, sections 3, 5, 6).

Files are uploaded through the HR import page as a person does, and run with
the ``import_org`` command.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from accounts.models import Department, User
from accounts.org_import import org_import
from accounts.services import invitations_send
from tests.accounts.files import GOOD, csv_bytes, excel_like_xlsx_bytes
from tests.accounts.test_org_import_page import upload
from tests.outbox import delivered

pytestmark = pytest.mark.django_db

ACTIVE_HEADER = (
    "email,full_name,job_title,department,parent_department,manager_email,is_head,active"
)


def with_active(*rows: str) -> bytes:
    return csv_bytes(*rows, header=ACTIVE_HEADER)


def person(email: str) -> User:
    return User.objects.get(email=email)


def leave(email: str) -> None:
    User.objects.filter(email=email).update(is_active=False)


def summary(response) -> str:
    return str(response.html.select_one('[data-testid="import-summary"]').text)


def problems(response) -> list[list[str]]:
    table = response.html.select_one('[data-testid="import-problems"]')
    assert table is not None, response.text
    return [[td.text for td in tr.select("td")] for tr in table.select("tbody tr")]


def warnings(response) -> list[list[str]]:
    table = response.html.select_one('[data-testid="import-warnings"]')
    return [[td.text for td in tr.select("td")] for tr in table.select("tbody tr")] if table else []


@pytest.fixture
def organisation(db):
    result = org_import(data=csv_bytes(*GOOD), filename="org.csv", actor=None)
    assert result.ok, result.problems
    User.objects.update(invited_at="2026-01-01T09:00Z")


ANN = "ann@example.com,Ann Account,Account Executive,Sales,,sam@example.com,no"
SAM = "sam@example.com,Sam Sales,Sales Director,Sales,Head Office,ceo@example.com,yes"


# --- The active column ---------------------------------------------------------


def test_hr_deactivates_a_person_with_active_no(django_app, hr, organisation):
    response = upload(django_app, hr, "org.csv", with_active(f"{ANN},no"))
    assert "1 person deactivated" in summary(response)
    assert not person("ann@example.com").is_active
    assert person("ann@example.com").manager.email == "sam@example.com"


def test_a_rehired_person_is_reactivated_reported_and_invited(
    django_app, hr, organisation, django_capture_on_commit_callbacks
):
    leave("ann@example.com")
    response = upload(django_app, hr, "org.csv", with_active(f"{ANN},yes"), invite=False)
    reactivated = response.html.select_one('[data-testid="import-reactivated"]').text
    assert "1 person re-activated and invited again: Ann Account" in reactivated
    ann = person("ann@example.com")
    assert ann.is_active and ann.invitation_requested_at is not None and ann.invited_at is None
    assert invitations_send() == 1  # what the worker, or the periodic sweep, does
    assert [m.to for m in delivered()] == [["ann@example.com"]]
    assert "set your password" in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("cell", "active"),
    [
        ("yes", True),
        ("No", False),
        ("y", True),
        ("N", False),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        ("0", False),
        ("active", True),
        ("inactive", False),
        ("是", True),
        ("否", False),
    ],
)
def test_the_active_column_reads_the_usual_words(organisation, cell, active):
    result = org_import(data=with_active(f"{ANN},{cell}"), filename="org.csv", actor=None)
    assert result.ok, result.problems
    assert person("ann@example.com").is_active is active


def test_an_excel_workbook_s_true_and_false_cells_say_active_or_not(organisation):
    """Excel stores a typed TRUE or FALSE as a boolean cell, not as text."""
    data = excel_like_xlsx_bytes(f"{ANN},no", f"{SAM},yes", header=ACTIVE_HEADER)
    result = org_import(data=data, filename="org.xlsx", actor=None)
    assert result.ok, result.problems
    assert not person("ann@example.com").is_active and person("sam@example.com").is_active


@pytest.mark.parametrize("cell", ["maybe", ""])
def test_any_other_active_value_is_a_row_error(django_app, hr, organisation, cell):
    response = upload(django_app, hr, "org.csv", with_active(f"{ANN},{cell}"))
    [[row, column, message]] = problems(response)
    assert (row, column) == ("2", "active") and "is not yes or no" in message
    assert person("ann@example.com").is_active


def test_a_person_new_and_inactive_is_created_inactive_and_not_invited(
    django_app, hr, organisation
):
    response = upload(
        django_app,
        hr,
        "org.csv",
        with_active("old@example.com,Olaf Old,,Sales,,sam@example.com,no,no"),
        invite=True,
    )
    assert "1 person created" in summary(response)
    olaf = person("old@example.com")
    assert not olaf.is_active and olaf.invitation_requested_at is None


def test_a_file_without_the_active_column_leaves_people_as_they_are(organisation):
    leave("bo@example.com")
    result = org_import(data=csv_bytes(*GOOD), filename="org.csv", actor=None)
    assert result.ok, result.problems
    assert not person("bo@example.com").is_active and not result.reactivated_user_ids


def test_the_result_lists_whom_the_import_changed_for_the_services_after_it(organisation):
    ann, bo, sam = person("ann@example.com"), person("bo@example.com"), person("sam@example.com")
    sales, engineering = (
        Department.objects.get(name="Sales"),
        Department.objects.get(name="Engineering"),
    )
    leave("bo@example.com")
    result = org_import(
        data=with_active(
            "ann@example.com,Ann Account,Account Executive,Engineering,,ceo@example.com,no,yes",
            "bo@example.com,Bo Builder,Engineer,Engineering,Head Office,ceo@example.com,,yes",
            f"{SAM},no",
        ),
        filename="org.csv",
        actor=None,
    )
    assert result.ok, result.problems
    assert result.deactivated_user_ids == [sam.pk]
    assert result.reactivated_user_ids == [bo.pk] and result.reactivated_names == ["Bo Builder"]
    assert result.manager_changed_user_ids == [ann.pk]
    assert result.department_changed_user_ids == [ann.pk]
    assert result.previous_assignments == {ann.pk: (sam.pk, sales.pk)}
    assert person("ann@example.com").department == engineering


def test_the_command_reports_who_was_reactivated_and_deactivated(tmp_path, capsys, organisation):
    leave("ann@example.com")
    path = tmp_path / "org.csv"
    path.write_bytes(
        with_active(f"{ANN},yes", "bo@example.com,Bo Builder,Engineer,Engineering,,,,no")
    )
    call_command("import_org", str(path))
    out = capsys.readouterr().out
    assert "1 re-activated (invited again): Ann Account" in out
    assert "1 deactivated." in out
    assert person("ann@example.com").invitation_requested_at is not None


# --- A manager who has left, or was never there --------------------------------


def test_an_inactive_manager_is_a_row_error_naming_the_row_and_the_manager(
    django_app, hr, organisation
):
    leave("sam@example.com")
    response = upload(
        django_app,
        hr,
        "org.csv",
        with_active("new@example.com,Nia New,,Sales,,sam@example.com,no,yes"),
    )
    [[row, column, message]] = problems(response)
    assert (row, column) == ("2", "manager_email")
    assert "sam@example.com" in message and "inactive" in message
    assert not User.objects.filter(email="new@example.com").exists()


def test_a_manager_the_same_file_deactivates_is_a_row_error(django_app, hr, organisation):
    response = upload(django_app, hr, "org.csv", with_active(f"{SAM},no", f"{ANN},yes"))
    [[row, column, message]] = problems(response)
    assert (row, column) == ("3", "manager_email") and "sam@example.com" in message
    assert person("sam@example.com").is_active


def test_a_manager_the_same_file_reactivates_is_fine(django_app, hr, organisation):
    leave("sam@example.com")
    response = upload(django_app, hr, "org.csv", with_active(f"{SAM},yes", f"{ANN},yes"))
    assert "Sam Sales" in response.html.select_one('[data-testid="import-reactivated"]').text
    assert person("sam@example.com").is_active


def test_a_person_who_left_may_keep_a_manager_who_left(organisation):
    result = org_import(data=with_active(f"{SAM},no", f"{ANN},no"), filename="org.csv", actor=None)
    assert result.ok, result.problems
    assert sorted(result.deactivated_user_ids) == sorted(
        [person("sam@example.com").pk, person("ann@example.com").pk]
    )


def test_an_inactive_manager_without_the_active_column_is_a_row_error(organisation):
    leave("sam@example.com")
    result = org_import(data=csv_bytes(GOOD[2]), filename="org.csv", actor=None)
    assert [(p.row, p.column) for p in result.problems] == [(2, "manager_email")]


def test_the_command_names_the_row_and_the_inactive_manager(tmp_path, capsys, organisation):
    leave("sam@example.com")
    path = tmp_path / "org.csv"
    path.write_bytes(csv_bytes(GOOD[2]))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_org", str(path))
    err = capsys.readouterr().err
    assert "row 2 [manager_email]: Manager “sam@example.com” is inactive" in err


def test_an_absent_manager_is_a_row_error_in_the_command(tmp_path, capsys, organisation):
    path = tmp_path / "org.csv"
    path.write_bytes(csv_bytes("eve@example.com,Eve,,Sales,,ghost@example.com,"))
    with pytest.raises(CommandError):
        call_command("import_org", str(path))
    assert "row 2 [manager_email]: Unknown manager “ghost@example.com”" in capsys.readouterr().err


# --- Warnings about who would review whom --------------------------------------


def test_heading_a_department_and_its_parent_is_warned_and_imported(django_app, hr, organisation):
    # Cora heads Head Office; the file makes her head of Sales, below it, too.
    response = upload(
        django_app,
        hr,
        "org.csv",
        csv_bytes("ceo@example.com,Cora CEO,Chief Executive,Sales,Head Office,,yes"),
    )
    assert "1 person updated" in summary(response)
    assert Department.objects.get(name="Sales").head == person("ceo@example.com")
    [[row, column, message]] = warnings(response)
    assert (row, column) == ("2", "is_head")
    assert "Cora CEO heads both “Sales” and “Head Office”" in message
    assert "their own table" in message


def test_a_head_over_an_empty_parent_is_warned_about_the_nearest_parent_with_a_head(
    tmp_path, capsys, db
):
    rows = [
        "ceo@example.com,Cora CEO,Chief Executive,Head Office,,,yes",
        "x@example.com,Xavier,,Region,Head Office,ceo@example.com,no",
        "y@example.com,Yara,,Sales,Region,ceo@example.com,yes",
    ]
    assert org_import(data=csv_bytes(*rows), filename="org.csv", actor=None).ok
    path = tmp_path / "org.csv"
    path.write_bytes(csv_bytes("ceo@example.com,Cora CEO,Chief Executive,Sales,,,yes"))
    call_command("import_org", str(path))
    out = capsys.readouterr().out
    assert "1 warning(s):" in out
    assert "row 2 [is_head]: Cora CEO heads both “Sales” and “Head Office”" in out


def test_a_top_department_whose_head_reports_to_nobody_is_warned_on_the_preview(django_app, hr, db):
    response = upload(django_app, hr, "org.csv", csv_bytes(*GOOD), dry_run=True)
    assert "Nothing was changed" in summary(response)
    assert warnings(response) == [
        [
            "2",
            "is_head",
            "Nobody is above “Head Office”: it has no parent department with a head and its "
            "head Cora CEO reports to nobody, so its tables are reviewed by the top reviewer "
            "or HR.",
        ]
    ]
    assert not User.objects.exclude(pk=hr.pk).exists()


def test_a_chart_where_everyone_has_someone_above_has_no_warning(django_app, hr, organisation):
    response = upload(django_app, hr, "org.csv", csv_bytes(GOOD[2], GOOD[3]))
    assert warnings(response) == []
    assert response.html.select_one('[data-testid="import-warnings"]') is None
