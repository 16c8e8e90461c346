"""An organisation file's problems are listed in one go, not in rounds.

HR uploads a file through the import page; the page lists every problem it can
find at once: the columns' and every row's, the rows checked against each other
too, so that one correction and one more upload are enough. A cell already
wrong is not blamed a second time by the checks across rows.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from tests.accounts.files import GOOD, HEADER, csv_bytes
from tests.accounts.test_org_import_lifecycle import problems
from tests.accounts.test_org_import_page import upload

pytestmark = pytest.mark.django_db


def where(response) -> list[tuple[str, str]]:
    """(row, column) of each problem listed, in the page's order."""
    return [(row, column) for row, column, _message in problems(response)]


def test_a_misspelt_column_and_the_rows_problems_come_in_one_list(django_app, hr):
    data = csv_bytes(
        "not-an-address,Nobody,,Sales,,,",
        "eve@example.com,,,Sales,,ghost@example.com,maybe",
        "ann@example.com,Ann,,Sales,,,",
        "ANN@example.com,Ann Again,,Sales,,,",
        header="email,full_name,job_title,department,parent_department,manager_email,is_head,manager",
    )
    response = upload(django_app, hr, "org.csv", data)
    assert where(response) == [
        ("1", "manager"),
        ("2", "email"),
        ("3", "full_name"),
        ("3", "is_head"),
        ("3", "manager_email"),
        ("5", "email"),
    ]
    listed = problems(response)
    assert "Unknown column “manager”" in listed[0][2]
    assert "Unknown manager “ghost@example.com”" in listed[4][2]
    assert "also appears on row 4" in listed[5][2]
    assert "5 problems found" not in response.text and "6 problems found" in response.text
    assert not User.objects.exclude(pk=hr.pk).exists()


def test_a_missing_column_is_said_once_and_the_rows_are_still_checked(django_app, hr):
    data = csv_bytes(
        "a@example.com,Al,",
        "not-an-address,Bo,a@example.com",
        "c@example.com,,a@example.com",
        header="email,full_name,manager_email",
    )
    response = upload(django_app, hr, "org.csv", data)
    assert where(response) == [("1", "department"), ("3", "email"), ("4", "full_name")]
    assert "Missing column “department”" in problems(response)[0][2]


def test_a_repeated_column_and_a_cycle_in_the_rows_come_together(django_app, hr):
    data = csv_bytes(
        "a@example.com,A,Ops,b@example.com,Ops",
        "b@example.com,B,Ops,a@example.com,Ops",
        header="email,full_name,department,manager_email,department",
    )
    response = upload(django_app, hr, "org.csv", data)
    assert where(response) == [("1", "department"), ("2", "manager_email"), ("3", "manager_email")]
    assert "appears twice" in problems(response)[0][2]
    assert "cycle" in problems(response)[1][2]


def test_a_cell_already_wrong_is_not_blamed_again_across_rows(django_app, hr):
    """The bad manager address is one problem, not also an unknown manager; Sam's
    unreadable active cell leaves Ann, who reports to Sam, unblamed."""
    data = csv_bytes(
        "ceo@example.com,Cora CEO,,Head Office,,,yes,yes",
        "sam@example.com,Sam Sales,,Sales,Head Office,ceo@example.com,yes,perhaps",
        "ann@example.com,Ann Account,,Sales,,sam@example.com,no,yes",
        "bo@example.com,Bo Builder,,Sales,,not-an-address,no,yes",
        header="email,full_name,job_title,department,parent_department,manager_email,is_head,active",
    )
    response = upload(django_app, hr, "org.csv", data)
    assert where(response) == [("3", "active"), ("5", "manager_email")]
    assert "not a valid e-mail" in problems(response)[1][2]


def test_correcting_what_the_first_upload_listed_is_enough(django_app, hr):
    """A misspelt column and a bad cell, both listed the first time: fixing the two
    and uploading once more imports the file."""
    sam = "sam@example.com,Sam Sales,Sales Director,Sales,Head Office,ceo@example.com"
    misspelt = HEADER.replace("manager_email", "managers_email")
    first = upload(django_app, hr, "org.csv", csv_bytes(GOOD[0], f"{sam},maybe", header=misspelt))
    assert where(first) == [("1", "managers_email"), ("3", "is_head")]
    second = upload(django_app, hr, "org.csv", csv_bytes(GOOD[0], f"{sam},yes"))
    assert "2 people created" in second.html.select_one('[data-testid="import-summary"]').text
    assert User.objects.get(email="sam@example.com").manager.email == "ceo@example.com"


def test_the_page_says_which_words_the_yes_no_columns_take_chinese_included(django_app, hr):
    page = django_app.get(reverse("accounts:org_import"), user=hr)
    rows = {
        row.select_one("code").text: row.get_text(" ", strip=True)
        for row in page.html.select("table tbody tr")
        if row.select_one("code")
    }
    for words in ("是/否", "y/n", "true/false", "1/0", "active/inactive"):
        assert words in rows["active"]
    assert "是" in rows["is_head"] and "否" in rows["is_head"]
