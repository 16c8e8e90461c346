"""HR imports the organisation through the page's own form, as a person would."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from webtest import Upload

from accounts.models import Department, User
from tests.accounts.files import (
    GOOD,
    broken_files,
    csv_bytes,
    excel_like_xlsx_bytes,
    inflating_xlsx,
)

pytestmark = pytest.mark.django_db

BROKEN = broken_files()


def import_form(django_app, hr):
    page = django_app.get(reverse("accounts:org_import"), user=hr)
    return page.forms["org-import-form"]


def upload(django_app, hr, filename: str, data: bytes, *, invite: bool = False, **fields):
    form = import_form(django_app, hr)
    form["file"] = Upload(filename, data)
    form["invite"] = invite
    for name, value in fields.items():
        form[name] = value
    return form.submit("submit")


def people_created() -> set[str]:
    return set(User.objects.exclude(email="hana@example.com").values_list("email", flat=True))


def test_hr_imports_a_csv_file_and_sees_the_summary(django_app, hr):
    response = upload(django_app, hr, "org.csv", csv_bytes(*GOOD))
    summary = response.html.select_one('[data-testid="import-summary"]')
    assert summary is not None
    assert "Imported." in summary.text and "4 people created" in summary.text
    assert "3 departments created" in summary.text
    assert people_created() == {line.split(",")[0] for line in GOOD}
    assert Department.objects.get(name="Sales").head.email == "sam@example.com"


def test_hr_imports_an_xlsx_workbook_and_sees_the_summary(django_app, hr):
    response = upload(django_app, hr, "org.xlsx", excel_like_xlsx_bytes(*GOOD))
    assert "4 people created" in response.html.select_one('[data-testid="import-summary"]').text
    assert User.objects.get(email="ann@example.com").manager.email == "sam@example.com"


def test_importing_the_same_file_again_says_there_is_nothing_to_change(django_app, hr):
    upload(django_app, hr, "org.csv", csv_bytes(*GOOD))
    response = upload(django_app, hr, "org.csv", csv_bytes(*GOOD))
    summary = response.html.select_one('[data-testid="import-summary"]').text
    assert "Nothing to change" in summary and "4 people unchanged" in summary


def test_only_checking_the_file_changes_nothing(django_app, hr):
    response = upload(django_app, hr, "org.csv", csv_bytes(*GOOD), dry_run=True)
    summary = response.html.select_one('[data-testid="import-summary"]').text
    assert "The file is good. Nothing was changed" in summary and "4 people created" in summary
    assert people_created() == set()


def test_problems_are_listed_with_their_row_numbers_and_nothing_is_imported(django_app, hr):
    data = csv_bytes(*GOOD, "eve@example.com,Eve,,Sales,,ghost@example.com,")
    response = upload(django_app, hr, "org.csv", data)
    problems = response.html.select_one('[data-testid="import-problems"]')
    assert "Nothing was imported" in problems.text
    cells = [[td.text for td in tr.select("td")] for tr in problems.select("tbody tr")]
    assert cells[0][0] == "6" and "ghost@example.com" in cells[0][2]
    assert people_created() == set()


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_file_gets_a_message_naming_its_problem_and_nothing_is_imported(
    django_app, hr, case
):
    filename, data, words = BROKEN[case]
    response = upload(django_app, hr, filename, data)
    assert response.status_code == 200
    if data:
        problems = response.html.select_one('[data-testid="import-problems"]')
        assert problems is not None and "Nothing was imported" in problems.text
        assert words in problems.text
    else:
        # An empty upload is refused by the field itself.
        field_error = response.html.select_one("#div_id_file .invalid-feedback")
        assert field_error is not None and "empty" in field_error.text
    assert people_created() == set() and not Department.objects.exists()
    # The form is there again, ready for the corrected file.
    assert "org-import-form" in response.forms


def test_a_decompression_bomb_is_refused_quickly_with_a_message(django_app, hr):
    started = time.monotonic()
    response = upload(django_app, hr, "org.xlsx", inflating_xlsx(unpacked_mb=200))
    assert time.monotonic() - started < 5
    problems = response.html.select_one('[data-testid="import-problems"]').text
    assert "unpacks to more than" in problems
    assert people_created() == set()


def test_a_file_over_the_size_limit_is_refused_next_to_the_field(django_app, hr, settings):
    settings.ORG_IMPORT_MAX_BYTES = 1024 * 1024
    response = upload(django_app, hr, "org.csv", csv_bytes(*GOOD) + b"\n" * (1024 * 1024))
    field_error = response.html.select_one("#div_id_file .invalid-feedback")
    assert field_error is not None and "larger than 1 MB" in field_error.text
    assert people_created() == set()


def test_other_file_types_are_refused_next_to_the_field(django_app, hr):
    response = upload(django_app, hr, "org.pdf", b"%PDF-1.4")
    field_error = response.html.select_one("#div_id_file .invalid-feedback")
    assert field_error is not None and "Choose a .csv or .xlsx file." in field_error.text
