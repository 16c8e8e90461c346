from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Department, User
from accounts.org_import import org_import
from tests.accounts.files import GOOD, HEADER, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(data: bytes, filename: str = "org.csv", **kwargs):
    return org_import(data=data, filename=filename, actor=None, **kwargs)


def test_good_file_creates_people_departments_heads_and_lines():
    result = run(csv_bytes(*GOOD))
    assert result.ok, result.problems
    assert result.people_created == 4 and result.departments_created == 3
    ann = User.objects.get(email="ann@example.com")
    assert ann.manager.email == "sam@example.com"
    assert ann.department.name == "Sales" and ann.job_title == "Account Executive"
    sales = Department.objects.get(name="Sales")
    assert sales.parent.name == "Head Office" and sales.head.email == "sam@example.com"
    assert Department.objects.get(name="Engineering").head is None
    assert not ann.has_usable_password()


def test_xlsx_file_is_read_like_csv():
    result = run(xlsx_bytes(*GOOD), "org.xlsx")
    assert result.ok, result.problems
    assert User.objects.count() == 4


def test_same_file_twice_changes_nothing():
    run(csv_bytes(*GOOD))
    before = list(User.objects.values().order_by("pk"))
    again = run(csv_bytes(*GOOD))
    assert again.ok and not again.changed
    assert again.people_unchanged == 4
    assert list(User.objects.values().order_by("pk")) == before


def test_updated_file_updates_people_in_place():
    run(csv_bytes(*GOOD))
    ann_id = User.objects.get(email="ann@example.com").pk
    moved = GOOD[:2] + [
        "ANN@example.com,Ann Smith,Senior Account Executive,Engineering,,bo@example.com,no",
        GOOD[3],
    ]
    result = run(csv_bytes(*moved))
    assert result.ok, result.problems
    assert result.people_updated == 1 and result.people_created == 0
    ann = User.objects.get(pk=ann_id)
    assert (ann.full_name, ann.department.name, ann.manager.email) == (
        "Ann Smith",
        "Engineering",
        "bo@example.com",
    )


def assert_rejected(rows, *, row: int, column: str, words: str, header: str = HEADER):
    result = run(csv_bytes(*rows, header=header))
    assert not result.ok
    assert User.objects.count() == 0 and Department.objects.count() == 0
    matching = [p for p in result.problems if p.row == row and p.column == column]
    assert matching, result.problems
    assert words in matching[0].message
    return result


def test_unknown_manager_imports_nothing():
    rows = [*GOOD, "eve@example.com,Eve,,Sales,,ghost@example.com,"]
    assert_rejected(rows, row=6, column="manager_email", words="Unknown manager")


def test_cycle_in_reporting_lines_imports_nothing():
    rows = [
        "a@example.com,A,,Ops,,c@example.com,",
        "b@example.com,B,,Ops,,a@example.com,",
        "c@example.com,C,,Ops,,b@example.com,",
    ]
    result = assert_rejected(rows, row=2, column="manager_email", words="cycle")
    assert {p.row for p in result.problems} == {2, 3, 4}


def test_duplicate_email_imports_nothing_and_names_both_rows():
    rows = [*GOOD, "Ann@Example.com,Ann Again,,Sales,,,"]
    assert_rejected(rows, row=6, column="email", words="row 4")


def test_malformed_email_imports_nothing():
    rows = [*GOOD, "not-an-address,Nobody,,Sales,,,"]
    assert_rejected(rows, row=6, column="email", words="not a valid e-mail")


def test_unknown_parent_department_imports_nothing():
    rows = [*GOOD, "eve@example.com,Eve,,Research,Nowhere,,"]
    assert_rejected(rows, row=6, column="parent_department", words="Unknown parent")


def test_missing_column_imports_nothing():
    header = "email,full_name,manager_email"
    assert_rejected(
        ["a@example.com,A,"], header=header, row=1, column="department", words="Missing column"
    )


def test_department_cycle_imports_nothing():
    rows = [
        "a@example.com,A,,Alpha,Beta,,",
        "b@example.com,B,,Beta,Alpha,,",
    ]
    assert_rejected(rows, row=2, column="parent_department", words="cycle")


def test_two_heads_for_one_department_import_nothing():
    rows = [*GOOD, "eve@example.com,Eve,,Sales,,,yes"]
    assert_rejected(rows, row=6, column="is_head", words="already has a head on row 3")


def test_empty_required_cell_and_bad_yes_no_are_reported_together():
    rows = [*GOOD, "eve@example.com,,,Sales,,,maybe"]
    result = assert_rejected(rows, row=6, column="full_name", words="empty")
    assert any(p.column == "is_head" and p.row == 6 for p in result.problems)


def test_manager_already_in_the_organisation_may_be_referenced():
    run(csv_bytes(*GOOD))
    result = run(csv_bytes("new@example.com,New Person,,Sales,,sam@example.com,"))
    assert result.ok, result.problems
    assert User.objects.get(email="new@example.com").manager.email == "sam@example.com"


def test_a_cycle_through_existing_people_is_caught():
    run(csv_bytes(*GOOD))
    result = run(csv_bytes("ceo@example.com,Cora CEO,,Head Office,,ann@example.com,yes"))
    assert not result.ok
    assert "cycle" in result.problems[0].message
    assert User.objects.get(email="ceo@example.com").manager is None


def test_dry_run_checks_but_changes_nothing():
    result = run(csv_bytes(*GOOD), dry_run=True)
    assert result.ok and result.people_created == 4
    assert User.objects.count() == 0


def test_command_imports_a_file(tmp_path, capsys):
    path = tmp_path / "org.csv"
    path.write_bytes(csv_bytes(*GOOD))
    call_command("import_org", str(path))
    assert User.objects.count() == 4
    assert "4 people created" in capsys.readouterr().out


def test_command_fails_with_every_problem_and_imports_nothing(tmp_path, capsys):
    path = tmp_path / "org.csv"
    path.write_bytes(csv_bytes(*GOOD, "bad,,,Sales,,,"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_org", str(path))
    err = capsys.readouterr().err
    assert "row 6 [email]" in err and "row 6 [full_name]" in err
    assert User.objects.count() == 0


def test_sample_file_in_the_repository_imports_cleanly():
    from demo.organisation import DEMO_ORG_FILE

    result = run(DEMO_ORG_FILE.read_bytes(), DEMO_ORG_FILE.name)
    assert result.ok, result.problems
    assert result.people_created >= 25


def test_import_page_is_for_hr_only(client, manager, report, peer):
    # Hand-built posts: an attack by people who never see the form.
    for person in (manager, report, peer):
        client.force_login(person)
        assert client.get(reverse("accounts:org_import")).status_code == 403
        upload = SimpleUploadedFile("org.csv", csv_bytes(*GOOD))
        assert client.post(reverse("accounts:org_import"), {"file": upload}).status_code == 403
    assert User.objects.filter(email="ceo@example.com").count() == 0


# --- Only what the file says (issue 15, "The org import, as HR means it") ----


def test_a_file_without_the_optional_columns_leaves_titles_and_managers_alone():
    run(csv_bytes(*GOOD))
    # HR fixes a name and moves Ann, with a file of the three required columns only.
    result = run(
        csv_bytes(
            "ann@example.com,Ann Account-Smith,Engineering",
            header="email,full_name,department",
        )
    )
    assert result.ok, result.problems
    assert result.people_updated == 1
    ann = User.objects.get(email="ann@example.com")
    assert (ann.full_name, ann.department.name) == ("Ann Account-Smith", "Engineering")
    assert ann.job_title == "Account Executive"
    assert ann.manager is not None and ann.manager.email == "sam@example.com"


def test_an_empty_cell_in_a_column_the_file_has_clears_that_field():
    run(csv_bytes(*GOOD))
    result = run(
        csv_bytes(
            "ann@example.com,Ann Account,,Sales,",
            header="email,full_name,job_title,department,manager_email",
        )
    )
    assert result.ok, result.problems
    ann = User.objects.get(email="ann@example.com")
    assert ann.job_title == "" and ann.manager is None


def test_department_names_match_ignoring_case_and_surrounding_spaces():
    run(csv_bytes(*GOOD))
    result = run(
        csv_bytes(
            "ann@example.com,Ann Account,Account Executive, sales ,HEAD OFFICE,sam@example.com,no",
            "new@example.com,Nia New,Engineer,engineering,,bo@example.com,no",
        )
    )
    assert result.ok, result.problems
    assert result.departments_created == 0
    assert sorted(Department.objects.values_list("name", flat=True)) == [
        "Engineering",
        "Head Office",
        "Sales",
    ]
    assert User.objects.get(email="new@example.com").department.name == "Engineering"
    assert Department.objects.get(name="Sales").head.email == "sam@example.com"


def test_a_department_new_to_the_file_takes_its_first_spelling():
    result = run(
        csv_bytes(
            "ceo@example.com,Cora CEO,Chief Executive,Head Office,,,yes",
            "ann@example.com,Ann Account,Sales Rep,Sales East,Head Office,ceo@example.com,no",
            "bo@example.com,Bo Builder,Engineer,SALES EAST ,head office,ceo@example.com,no",
        )
    )
    assert result.ok, result.problems
    assert sorted(Department.objects.values_list("name", flat=True)) == [
        "Head Office",
        "Sales East",
    ]


def test_a_department_named_as_its_own_parent_in_another_case_is_refused():
    assert_rejected(
        ["ceo@example.com,Cora CEO,Chief Executive,Sales,SALES ,,yes"],
        row=2,
        column="parent_department",
        words="its own parent",
    )


@pytest.mark.parametrize(
    ("cell", "heads"),
    [
        ("yes", True),
        ("Y", True),
        ("TRUE", True),
        ("1", True),
        ("x", True),
        ("是", True),
        ("no", False),
        ("n", False),
        ("False", False),
        ("0", False),
        ("否", False),
        ("", False),
    ],
)
def test_the_is_head_column_reads_the_usual_words_chinese_included(cell, heads):
    rows = [*GOOD[:3], f"bo@example.com,Bo Builder,Engineer,Engineering,Head Office,,{cell}"]
    result = run(csv_bytes(*rows))
    assert result.ok, result.problems
    head = Department.objects.get(name="Engineering").head
    assert (head is not None and head.email == "bo@example.com") is heads
