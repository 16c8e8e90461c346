from __future__ import annotations

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from reviews.services import previous_month
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_hr_filters_a_month_and_a_department_and_downloads_the_xlsx(
    live_server, desktop_page, tmp_path, today
) -> None:
    call_command("seed_demo")
    page, base = desktop_page, live_server.url
    month = previous_month(today.replace(day=1))
    log_in(page, base, "sofia.rossi@example.com")
    page.goto(base + "/reviews/dashboard/")
    page.get_by_role("link", name="Export", exact=True).click()
    page.get_by_label("From month").fill(month.strftime("%Y-%m"))
    page.get_by_label("Department (with the departments below it)").select_option(label="Sales")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export").click()
    target = tmp_path / "export.xlsx"
    download_info.value.save_as(target)
    workbook = load_workbook(target)
    subjects = {row[0] for row in workbook["Rows"].iter_rows(min_row=2, values_only=True)}
    assert {"Emma Wilson", "Wang Fang", "Lucas Silva"} <= subjects
    assert "Ravi Patel" not in subjects  # Warehouse is not under Sales
