"""Exports HR can hand on (issue 20 §3): words in the requester's language, a unit column,
milestones done / not done, completion as a percentage, file names naming the period and
filter, one half-up rounding and the organisation's time zone everywhere."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext
from openpyxl import load_workbook

from accounts.rounding import percent_of, round_half_up, round_int
from reviews.exports import ExportFilter, export_job_build, export_job_request
from reviews.models import ExportJob, ReviewRow, ReviewTable
from reviews.services import review_table_for
from tests.exports.test_exports import export
from tests.factories import make_cycle, make_objective
from tests.webtest_helpers import choose, form_by_testid, press

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)
# 17:30 UTC on 31 March is 01:30 on 1 April in Shanghai: the local date differs.
LATE_EVENING_UTC = dt.datetime(2026, 3, 31, 17, 30, tzinfo=dt.UTC)


@pytest.fixture
def tables(db, report, peer, manager):
    """Rob's March table: orders (12.5 % done), a milestone not done and a share in %."""
    cycle = make_cycle(2026)
    make_objective(cycle, employee=report, title="Orders won", weight=50, target=96)
    make_objective(
        cycle, employee=report, title="CRM live", weight=30, measure="milestone", unit="",
        target=None,
    )  # fmt: skip
    make_objective(
        cycle, employee=report, title="Renewal rate", weight=20, measure="percent", unit="",
        target=90,
    )  # fmt: skip
    make_objective(cycle, employee=peer, title="Invoices paid", weight=100, target=60)
    robs = review_table_for(cycle=cycle, month=MARCH, employee=report)
    pauls = review_table_for(cycle=cycle, month=MARCH, employee=peer)
    ReviewRow.objects.filter(table=robs, title="Orders won").update(planned=8, actual=1)
    ReviewRow.objects.filter(table=robs, title="CRM live").update(planned=1, actual=0)
    ReviewRow.objects.filter(table=robs, title="Renewal rate").update(planned=80, actual=72)
    ReviewTable.objects.filter(pk=robs.pk).update(
        status=ReviewTable.Status.FINALISED,
        submitted_at=LATE_EVENING_UTC,
        finalised_at=LATE_EVENING_UTC + dt.timedelta(minutes=5),
    )
    robs.refresh_from_db()
    return robs, pauls


def rows_of(content: bytes, sheet: str = "Rows") -> tuple[list[str], dict[str, tuple[Any, ...]]]:
    """(headers, {objective or subject: row}) of a sheet, as a spreadsheet shows them."""
    lines = list(load_workbook(io.BytesIO(content))[sheet].iter_rows())
    header = [str(cell.value) for cell in lines[0]]
    key = header.index(gettext("Objective") if sheet == "Rows" else gettext("Subject"))
    return header, {str(line[key].value): line for line in lines[1:]}


def test_rounding_is_half_up_as_people_count():
    assert round_int(Decimal("12.5")) == 13 and round_int(Decimal("13.5")) == 14
    assert round(12.5) == 12  # what the product no longer uses
    assert round_half_up(2.675, 2) == Decimal("2.68") and round_half_up(-2.5) == Decimal(-3)
    assert percent_of(1, 8) == 13 and percent_of(1, 0) is None
    assert percent_of(33, 40, 1) == Decimal("82.5")
    page = Template("{% load rounding %}{{ v|half_up }} {{ v|half_up:1 }} {{ n|half_up }}")
    assert page.render(Context({"v": Decimal("12.45"), "n": None})) == "12 12.5 "


def test_xlsx_headers_states_units_milestones_and_percent_cells(django_app, hr, tables):
    response = export(django_app, hr)
    header, rows = rows_of(response.body)
    assert header[:6] == ["Subject", "Kind", "Department", "Manager", "Month", "Status"]
    assert "Unit" in header and not any("_" in name for name in header)
    column = {name: index for index, name in enumerate(header)}
    orders, crm, renewal = rows["Orders won"], rows["CRM live"], rows["Renewal rate"]
    assert orders[column["Status"]].value == "Finalised"  # not "finalised"
    assert orders[column["Kind"]].value == "Employee"
    assert orders[column["Unit"]].value == "orders" and renewal[column["Unit"]].value == "%"
    assert crm[column["Planned"]].value == "done" and crm[column["Actual"]].value == "not done"
    completion = orders[column["Completion"]]
    # 1 of 8 is 12.5 %: 13 %, as people round, a number shown as a percentage.
    assert completion.value == 0.13 and completion.number_format == "0%"
    assert renewal[column["Completion"]].value == 0.9
    tables_header, tables_rows = rows_of(response.body, "Tables")
    assert tables_rows["Paul Peer"][tables_header.index("Status")].value == "Draft"


def test_csv_has_words_units_and_percentages(django_app, hr, tables):
    text = export(django_app, hr, fmt="csv").body.decode("utf-8-sig")
    lines = {line["Objective"]: line for line in csv.DictReader(io.StringIO(text))}
    assert lines["Orders won"]["Completion"] == "13%"
    assert lines["Orders won"]["Unit"] == "orders" and lines["Orders won"]["Planned"] == "8"
    assert lines["CRM live"]["Actual"] == "not done" and lines["CRM live"]["Status"] == "Finalised"
    assert (
        lines["Invoices paid"]["Status"] == "Draft" and lines["Invoices paid"]["Month"] == "2026-03"
    )


def test_the_page_the_pdf_and_the_spreadsheet_round_alike(django_app, hr, tables, monkeypatch):
    robs, _pauls = tables
    detail = django_app.get(robs.get_absolute_url(), user=hr)
    assert "13 %" in detail.html.find(attrs={"data-testid": "review-rows"}).get_text()
    printed = detail.click(description="Printable view")
    assert "13 %" in printed.text
    sources: list[str] = []
    monkeypatch.setattr("reviews.pdf.html_pdf_bytes", lambda html: sources.append(html) or b"%PDF")
    export(django_app, hr, fmt="pdf")
    assert "13 %" in sources[0] and "12 %" not in sources[0]
    header, rows = rows_of(export(django_app, hr).body)
    assert rows["Orders won"][header.index("Completion")].value == 0.13


def test_times_are_the_organisations_local_time_in_every_format(
    django_app, hr, tables, settings, monkeypatch
):
    settings.TIME_ZONE = "Asia/Shanghai"
    robs, _pauls = tables
    printed = django_app.get(reverse("reviews:table_print", args=[robs.pk]), user=hr)
    submitted = printed.html.find(attrs={"data-testid": "submitted-at"}).get_text()
    local, utc = dt.datetime(2026, 4, 1, 1, 30), dt.datetime(2026, 3, 31, 17, 30)  # noqa: DTZ001
    assert submitted == date_format(local, "DATETIME_FORMAT")  # "April 1, 2026, 1:30 a.m."
    assert submitted != date_format(utc, "DATETIME_FORMAT")
    sources: list[str] = []
    monkeypatch.setattr("reviews.pdf.html_pdf_bytes", lambda html: sources.append(html) or b"%PDF")
    export(django_app, hr, fmt="pdf")
    assert submitted in sources[0]
    text = export(django_app, hr, fmt="csv").body.decode("utf-8-sig")
    lines = {line["Objective"]: line for line in csv.DictReader(io.StringIO(text))}
    assert lines["Orders won"]["Submitted at"] == "2026-04-01 01:30"
    assert lines["Orders won"]["Finalised at"] == "2026-04-01 01:35"
    header, rows = rows_of(export(django_app, hr).body, "Tables")
    cell = rows["Rob Report"][header.index("Submitted at")]
    # A spreadsheet keeps no time zone: the cell holds the local wall-clock time.
    assert f"{cell.value:%Y-%m-%d %H:%M}" == "2026-04-01 01:30"
    assert cell.number_format == "yyyy-mm-dd hh:mm"


def test_file_names_name_the_period_and_the_filter(django_app, hr, tables, sales):
    page = django_app.get(reverse("reviews:export"), user=hr)
    form = form_by_testid(page, "export-form")
    form["month_from"], form["month_to"] = "2026-01", "2026-03"
    choose(form, "department", "Sales")
    response = press(form, "Export")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="review-tables_2026-01_to_2026-03_sales.xlsx"'
    )
    single = export(django_app, hr, fmt="csv", status="Finalised")
    assert 'filename="review-tables_2026-03_finalised.csv"' in single.headers["Content-Disposition"]
    plain = export(django_app, hr, fmt="csv")
    assert 'filename="review-tables_2026-03.csv"' in plain.headers["Content-Disposition"]


def test_a_chinese_reader_gets_chinese_headers_states_and_milestones(django_app, hr, tables):
    hr.language = "zh-hans"
    hr.save(update_fields=["language"])
    with translation.override("zh-hans"):
        words = {
            "subject": gettext("Subject"),
            "status": gettext("Status"),
            "finalised": gettext("Finalised"),
            "not done": gettext("not done"),
            "actual": gettext("Actual"),
            "objective": gettext("Objective"),
        }
    assert words["subject"] != "Subject" and words["finalised"] != "Finalised"
    page = django_app.get(reverse("reviews:export"), user=hr)
    form = form_by_testid(page, "export-form")
    form["month_from"] = "2026-03"
    with translation.override("zh-hans"):
        button = gettext("Export")
    content = press(form, button).body
    lines = list(load_workbook(io.BytesIO(content))["Rows"].iter_rows(values_only=True))
    header = list(lines[0])
    assert words["subject"] in header and words["status"] in header and "Subject" not in header
    crm = next(line for line in lines if line[header.index(words["objective"])] == "CRM live")
    assert crm[header.index(words["status"])] == words["finalised"]
    assert crm[header.index(words["actual"])] == words["not done"]


def test_an_export_job_writes_in_the_language_of_its_request(hr, tables, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with translation.override("zh-hans"):
        job = export_job_request(actor=hr, params={
            "month_from": "2026-03-01", "month_to": "2026-03-01", "cycle_id": None,
            "department_id": None, "status": "",
        }, total=2)  # fmt: skip
        subject = gettext("Subject")
    assert job.params["language"] == "zh-hans"
    with translation.override("en"):  # the worker's own language does not matter
        export_job_build(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert job.params["download_name"] == "review-tables_2026-03.xlsx"
    workbook = load_workbook(tmp_path / "exports" / job.file_name)
    assert workbook["Rows"]["A1"].value == subject != "Subject"


def test_the_command_writes_words_in_the_language_asked_into_a_named_file(tables, tmp_path):
    call_command(
        "export_reviews", "--month", "2026-03", "--language", "zh-hans", "-o", str(tmp_path)
    )
    workbook = load_workbook(tmp_path / "review-tables_2026-03.xlsx")
    with translation.override("zh-hans"):
        assert workbook["Rows"]["A1"].value == gettext("Subject")
        kind = pgettext("subject kind", "Employee")
    assert workbook["Rows"]["B2"].value == kind
    call_command(
        "export_reviews", "--month", "2026-03", "--format", "csv", "--department", "Sales",
        "-o", str(tmp_path),
    )  # fmt: skip
    text = (tmp_path / "review-tables_2026-03_sales.csv").read_text(encoding="utf-8-sig")
    assert {line["Subject"] for line in csv.DictReader(io.StringIO(text))} == {"Rob Report"}


def test_a_managers_export_holds_exactly_what_her_dashboard_counts(
    django_app, manager, report, indirect_report, tables
):
    cycle = tables[0].cycle
    make_objective(cycle, employee=indirect_report, title="Calls made", weight=100)
    review_table_for(cycle=cycle, month=MARCH, employee=indirect_report)
    dashboard = django_app.get(reverse("reviews:dashboard"), user=manager)
    filters = form_by_testid(dashboard, "dashboard-filters")
    filters["month"] = "2026-03"
    shown = press(filters, "Show")
    counted = sum(row["total"] for row in shown.context["data"].completion)
    page = shown.click(description="Export", href="month_from")
    exported = load_workbook(io.BytesIO(press(form_by_testid(page, "export-form"), "Export").body))
    listed = [line[0] for line in exported["Tables"].iter_rows(min_row=2, values_only=True)]
    assert counted == len(listed) == 2
    assert sorted(listed) == ["Ivy Indirect", "Rob Report"]  # her chain, not Paul (Finance)


def test_a_chinese_department_keeps_its_name_in_the_file_name(django_app, hr, tables):
    from tests.factories import DepartmentFactory

    department = DepartmentFactory(name="华东 销售部")
    spec = ExportFilter(month_from=MARCH, month_to=MARCH, department_id=department.pk)
    assert spec.file_name("xlsx") == "review-tables_2026-03_华东-销售部.xlsx"
    page = django_app.get(reverse("reviews:export"), user=hr)
    form = form_by_testid(page, "export-form")
    form["month_from"] = "2026-03"
    choose(form, "department", "华东 销售部")
    disposition = press(form, "Export").headers["Content-Disposition"]
    assert "filename*=utf-8''review-tables_2026-03_" in disposition
