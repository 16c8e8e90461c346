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


def export(client, **params):
    query = {"month_from": "2026-03", "format": "xlsx", **params}
    return client.get(reverse("reviews:export"), query)


def test_xlsx_has_rows_tables_and_questions_as_typed_cells(client, hr, data):
    client.force_login(hr)
    response = export(client)
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Rows", "Tables", "Inquiries"]
    rows = workbook["Rows"]
    assert rows.freeze_panes == "A2" and rows.auto_filter.ref
    header = [c.value for c in rows[1]]
    values = {r[header.index("subject")]: r for r in rows.iter_rows(min_row=2, values_only=True)}
    rob = values["Rob Report"]
    assert rob[header.index("month")].date() == MARCH  # a real date cell
    assert rob[header.index("planned")] == 30 and rob[header.index("actual")] == 24
    assert rob[header.index("completion_percent")] == 80
    assert rob[header.index("gap_reason")].startswith("'=HYPERLINK")  # not a formula
    assert rob[header.index("department")] == "Sales"
    assert len(values) == 2
    tables = list(workbook["Tables"].iter_rows(min_row=2, values_only=True))
    assert len(tables) == 2
    inquiries = list(workbook["Inquiries"].iter_rows(min_row=2, values_only=True))
    assert inquiries[0][0] == "Rob Report" and inquiries[0][4] == "为什么？"


def test_csv_is_streamed_with_a_bom_and_no_formulas(client, hr, data):
    client.force_login(hr)
    response = export(client, format="csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    rob = next(line for line in lines if line["subject"] == "Rob Report")
    assert rob["gap_reason"] == '\'=HYPERLINK("x") 客户推迟'
    assert rob["planned"] == "30.0" and rob["month"] == "2026-03-01"


def test_pdf_of_one_table_and_of_a_month(client, hr, data):
    client.force_login(hr)
    single = client.get(reverse("reviews:table_pdf", args=[data[0].pk]))
    assert single["Content-Type"] == "application/pdf" and single.content.startswith(b"%PDF")
    batch = export(client, format="pdf")
    assert batch.content.startswith(b"%PDF") and len(batch.content) > len(single.content)


def test_a_manager_exports_only_her_chain(client, manager, data):
    client.force_login(manager)
    workbook = load_workbook(io.BytesIO(export(client).content))
    subjects = [r[0] for r in workbook["Rows"].iter_rows(min_row=2, values_only=True)]
    assert subjects == ["Rob Report"]


def test_filters_by_department_with_sub_departments_and_status(client, hr, data, sales):
    from tests.factories import DepartmentFactory

    east = DepartmentFactory(name="East", parent=sales)
    robs, _pauls = data
    robs.employee.department = east
    robs.employee.save()
    client.force_login(hr)
    workbook = load_workbook(io.BytesIO(export(client, department=sales.pk).content))
    assert [r[0] for r in workbook["Rows"].iter_rows(min_row=2, values_only=True)] == ["Rob Report"]
    none = load_workbook(io.BytesIO(export(client, status="finalised").content))
    assert none["Rows"].max_row == 1


@pytest.mark.parametrize("person", ["report", "outsider"])
def test_plain_employees_cannot_export_or_see_dashboards(client, request, person, data):
    client.force_login(request.getfixturevalue(person))
    assert export(client).status_code == 403
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


def test_bad_export_filters_get_messages(client, hr, data):
    client.force_login(hr)
    response = client.get(
        reverse("reviews:export"),
        {"month_from": "2026-05", "month_to": "2026-03", "format": "xlsx"},
    )
    assert "The last month comes after the first." in response.content.decode()


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


def test_dashboard_counts_late_tables(client, hr, data):
    ReviewTable.objects.filter(pk=data[0].pk).update(deadline=dt.date(2026, 4, 1))
    client.force_login(hr)
    body = client.get(reverse("reviews:dashboard"), {"month": "2026-03"}).content.decode()
    assert "Rob Report" in body.split('data-testid="late"', 1)[1]


def _close(**kwargs) -> None:
    connections.close_all()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_large_export_is_built_by_the_worker_for_its_requester_only(
    client, hr, manager, data, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("reviews.views.ASYNC_EXPORT_TABLES", 1)
    task_postrun.connect(_close)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            client.force_login(hr)
            response = export(client)
            assert response.status_code == 302
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
    download = client.get(reverse("reviews:export_download", args=[job.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook["Rows"].max_row == 3
    client.force_login(manager)
    assert client.get(reverse("reviews:export_download", args=[job.pk])).status_code == 404
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(hr)
    assert client.get(reverse("reviews:export_download", args=[job.pk])).status_code == 404
