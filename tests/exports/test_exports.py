"""Exports parsed back and compared with the data; who gets which rows; dashboards."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from config.celery import app
from reviews.models import ExportJob, Inquiry, ReviewRow, ReviewTable
from reviews.services import review_table_for
from tests.factories import UserFactory, make_cycle, make_objective
from tests.webtest_helpers import (
    choose,
    errors_beside,
    form_by_testid,
    form_errors,
    messages,
    press,
)

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def data(db, report, peer, manager, sales, finance):
    cycle = make_cycle(2026)
    make_objective(cycle, employee=report, title="Orders won", weight=100, target=120)
    make_objective(cycle, employee=peer, title="Invoices paid", weight=100, target=60)
    robs = review_table_for(cycle=cycle, month=MARCH, employee=report)
    pauls = review_table_for(cycle=cycle, month=MARCH, employee=peer)
    ReviewRow.objects.filter(table=robs).update(actual=24, gap_reason='=HYPERLINK("x") 客户推迟')
    Inquiry.objects.create(table=robs, asked_by=manager, question="为什么？")
    return robs, pauls


FORMATS = {"xlsx": "XLSX (Excel)", "csv": "CSV", "pdf": "PDF"}


def export(django_app, user, *, month="2026-03", fmt="xlsx", department=None, status=None):
    """Open Reviews → Export review tables, fill the filter as a person does, press Export."""
    page = django_app.get(reverse("home"), user=user).click(description="Export review tables")
    form = form_by_testid(page, "export-form")
    form["month_from"] = month
    choose(form, "format", FORMATS[fmt])
    if department:
        choose(form, "department", department)
    if status:
        choose(form, "status", status)
    return press(form, "Export")


def test_xlsx_has_rows_tables_and_questions_as_typed_cells(django_app, hr, data):
    response = export(django_app, hr)
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="review-tables_2026-03.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Rows", "Tables", "Inquiries", "Results"]
    rows = workbook["Rows"]
    assert rows.freeze_panes == "A2" and rows.auto_filter.ref
    header = [c.value for c in rows[1]]
    values = {r[header.index("Subject")]: r for r in rows.iter_rows(min_row=2, values_only=True)}
    rob = values["Rob Report"]
    assert rob[header.index("Month")].date() == MARCH  # a real date cell
    assert rob[header.index("Planned")] == 30 and rob[header.index("Actual")] == 24
    assert rob[header.index("Completion")] == 0.8  # a percentage cell, shown 80%
    assert rob[header.index("Own reasons for the gap")].startswith("'=HYPERLINK")  # not a formula
    assert rob[header.index("Department")] == "Sales"
    assert len(values) == 2
    tables = list(workbook["Tables"].iter_rows(min_row=2, values_only=True))
    assert len(tables) == 2
    inquiries = list(workbook["Inquiries"].iter_rows(min_row=2, values_only=True))
    assert inquiries[0][0] == "Rob Report" and inquiries[0][4] == "为什么？"
    assert inquiries[0][7] == "Question"  # or "Suggestion for improvement" (issue 16 §6)


def test_csv_is_streamed_with_a_bom_and_no_formulas(django_app, hr, data):
    response = export(django_app, hr, fmt="csv")
    assert response.content_type == "text/csv"
    text = response.body.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    rob = next(line for line in lines if line["Subject"] == "Rob Report")
    assert rob["Own reasons for the gap"] == '\'=HYPERLINK("x") 客户推迟'
    assert rob["Planned"] == "30" and rob["Month"] == "2026-03"
    assert rob["Completion"] == "80%" and rob["Status"] == "Draft"


def test_pdf_of_one_table_and_of_a_month(django_app, hr, data):
    single = django_app.get(reverse("reviews:table_pdf", args=[data[0].pk]), user=hr)
    assert single.content_type == "application/pdf" and single.body.startswith(b"%PDF")
    batch = export(django_app, hr, fmt="pdf")
    assert batch.body.startswith(b"%PDF") and len(batch.body) > len(single.body)


def test_a_manager_exports_only_her_chain(django_app, manager, data):
    workbook = load_workbook(io.BytesIO(export(django_app, manager).body))
    subjects = [r[0] for r in workbook["Rows"].iter_rows(min_row=2, values_only=True)]
    assert subjects == ["Rob Report"]


def test_filters_by_department_with_sub_departments_and_status(django_app, hr, data, sales):
    from tests.factories import DepartmentFactory

    east = DepartmentFactory(name="East", parent=sales)
    robs, _pauls = data
    robs.employee.department = east
    robs.employee.save()
    workbook = load_workbook(io.BytesIO(export(django_app, hr, department="Sales").body))
    assert [r[0] for r in workbook["Rows"].iter_rows(min_row=2, values_only=True)] == ["Rob Report"]
    none = load_workbook(io.BytesIO(export(django_app, hr, status="Finalised").body))
    assert none["Rows"].max_row == 1


@pytest.mark.parametrize("person", ["report", "outsider"])
def test_plain_employees_cannot_export_or_see_dashboards(client, request, person, data):
    client.force_login(request.getfixturevalue(person))
    home = client.get(reverse("home")).content.decode()
    assert reverse("reviews:export") not in home and reverse("reviews:dashboard") not in home
    # Attacks: their pages offer neither link.
    assert client.get(reverse("reviews:export"), {"month_from": "2026-03"}).status_code == 403
    assert client.get(reverse("reviews:dashboard")).status_code == 403
    assert client.get(reverse("reviews:table_pdf", args=[data[1].pk])).status_code == 404


def test_export_reviews_command_writes_a_file_anyone_can_open(data, tmp_path):
    target = tmp_path / "march.xlsx"
    call_command("export_reviews", "--month", "2026-03", "--format", "xlsx", "-o", str(target))
    workbook = load_workbook(target)
    assert workbook["Rows"].max_row == 3
    csv_target = tmp_path / "march.csv"
    call_command("export_reviews", "--month", "2026-03", "--format", "csv", "-o", str(csv_target))
    assert csv_target.read_text(encoding="utf-8-sig").count("\n") == 3


def test_bad_export_filters_get_messages_beside_the_field(django_app, hr, data):
    page = django_app.get(reverse("reviews:export"), user=hr)
    form = form_by_testid(page, "export-form")
    form["month_from"] = "2026-05"
    form["month_to"] = "2026-03"
    choose(form, "format", "CSV")
    refused = press(form, "Export")
    assert refused.content_type == "text/html"
    assert errors_beside(refused, "month_to") == ["The last month comes after the first."]
    form = form_by_testid(refused, "export-form")
    assert form["month_from"].value == "2026-05" and form["format"].value == "csv"
    form["month_from"] = ""
    assert errors_beside(press(form, "Export"), "month_from") == ["This field is required."]


def test_a_pdf_of_too_many_tables_is_refused_with_a_message_on_the_form(
    django_app, hr, data, monkeypatch
):
    monkeypatch.setattr("reviews.views.exports.PDF_MAX_TABLES", 1)
    refused = export(django_app, hr, fmt="pdf")
    assert refused.content_type == "text/html"
    assert form_errors(refused) == [
        "A PDF holds at most 1 tables: narrow the filter or choose XLSX."
    ]


def test_the_dashboards_export_button_opens_the_filter_filled_in(django_app, hr, data, sales):
    dashboard = django_app.get(reverse("reviews:dashboard"), user=hr)
    filters = form_by_testid(dashboard, "dashboard-filters")
    filters["month"] = "2026-03"
    choose(filters, "department", "Sales")
    page = press(filters, "Show").click(description="Export", href="month_from")
    assert page.content_type == "text/html"
    assert not errors_beside(page, "format") and not form_errors(page)  # nothing done yet
    form = form_by_testid(page, "export-form")
    assert form["month_from"].value == "2026-03"
    assert form["department"].value == str(sales.pk)
    workbook = load_workbook(io.BytesIO(press(form, "Export").body))
    assert [r[0] for r in workbook["Rows"].iter_rows(min_row=2, values_only=True)] == ["Rob Report"]


@pytest.mark.parametrize("size", [5, 50])
def test_dashboard_queries_do_not_grow(client, hr, manager, size, django_assert_max_num_queries):
    cycle = make_cycle(timezone.localdate().year)
    month = timezone.localdate().replace(day=1)
    for person in UserFactory.create_batch(size, manager=manager):
        make_objective(cycle, employee=person)
        review_table_for(cycle=cycle, month=month, employee=person)
    for person in (hr, manager):
        client.force_login(person)
        with django_assert_max_num_queries(20):
            response = client.get(reverse("reviews:dashboard"))
        assert response.status_code == 200
        assert 'id="dashboard-data"' in response.content.decode()


def test_dashboard_counts_late_tables(django_app, hr, data):
    ReviewTable.objects.filter(pk=data[0].pk).update(deadline=dt.date(2026, 4, 1))
    page = django_app.get(reverse("home"), user=hr).click(description="Dashboard", index=0)
    filters = form_by_testid(page, "dashboard-filters")
    filters["month"] = "2026-03"
    body = press(filters, "Show").text
    assert "Rob Report" in body.split('data-testid="late"', 1)[1]


def workbook_rows(content: bytes) -> int:
    return load_workbook(io.BytesIO(content))["Rows"].max_row


def _close(**kwargs) -> None:
    connections.close_all()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_large_export_is_built_by_the_worker_for_its_requester_only(
    django_app, client, hr, manager, data, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("reviews.views.exports.ASYNC_EXPORT_TABLES", 1)
    task_postrun.connect(_close)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            response = export(django_app, hr)
            assert response.location == reverse("reviews:export")
            assert messages(response.follow()) == [
                "2 tables: the file is being built. It appears below when it is ready."
            ]
            job = ExportJob.objects.get()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.status == ExportJob.Status.DONE:
                    break
                time.sleep(0.2)
    finally:
        task_postrun.disconnect(_close)
    assert job.status == ExportJob.Status.DONE
    ready = django_app.get(reverse("reviews:export"), user=hr)
    download = ready.click(description="Download")
    assert workbook_rows(download.body) == 3
    client.force_login(hr)
    client.force_login(manager)
    assert client.get(reverse("reviews:export_download", args=[job.pk])).status_code == 404
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(hr)
    assert client.get(reverse("reviews:export_download", args=[job.pk])).status_code == 404
