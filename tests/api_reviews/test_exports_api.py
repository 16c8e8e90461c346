"""Export jobs through the API: started with the export page's filters and permission,
polled, and downloaded by their requester only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import ApiToken
from reviews.exports import export_job_build
from reviews.models import ExportJob
from tests.api_helpers import ROLES, client_for, outcome, problem

pytestmark = pytest.mark.django_db

START = "/api/v1/exports/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize("role", ROLES)
def test_an_export_is_started_by_whom_the_export_page_lets_export(client, request, table, role):
    person = request.getfixturevalue(role)
    client.force_login(person)
    month = table.month.strftime("%Y-%m")
    page = client.get(reverse("reviews:export"), {"month_from": month, "format": "csv"})
    response = client_for(person).post(START, {"month_from": month}, format="json")
    assert outcome(response.status_code) == outcome(page.status_code)
    if response.status_code == 202:
        job = ExportJob.objects.get()
        assert job.requester == person and job.status == "pending"
        assert response.json()["params"]["month_from"] == table.month.isoformat()
    else:
        problem(response, page.status_code)
        assert not ExportJob.objects.exists()


def test_the_export_forms_messages_come_back_beside_the_fields(hr):
    body = {"month_from": "2026-05", "month_to": "2026-04", "status": "lost"}
    errors = problem(client_for(hr).post(START, body, format="json"), 400)["errors"]
    assert errors["month_to"] == ["The last month comes after the first."]
    assert "status" in errors
    assert problem(client_for(hr).post(START, {}, format="json"), 400)["errors"]["month_from"]
    assert not ExportJob.objects.exists()


def test_the_job_is_polled_and_its_file_downloaded_by_its_requester_only(hr, manager, table, media):
    api = client_for(hr)
    started = api.post(START, {"month_from": table.month.strftime("%Y-%m")}, format="json").json()
    job_url = f"{START}{started['id']}/"
    assert api.get(job_url).json()["status"] == "pending"
    problem(api.get(job_url + "download/"), 404)  # not built yet
    export_job_build(job_id=started["id"])  # what the worker does
    polled = api.get(job_url).json()
    assert polled["status"] == "done" and polled["percent"] == 100
    download = api.get(job_url + "download/")
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.active.max_row >= 2
    for other in (client_for(manager), client_for(table.employee)):
        problem(other.get(job_url), 404)
        problem(other.get(job_url + "download/"), 404)
    ExportJob.objects.update(expires_at=timezone.now() - dt.timedelta(hours=1))
    problem(api.get(job_url + "download/"), 404)


def test_a_read_only_token_starts_no_export(hr, table):
    api = client_for(hr, ApiToken.Scope.READ)
    problem(api.post(START, {"month_from": "2026-03"}, format="json"), 403)
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(
    "body", [[], {"month_from": ["2026-03"]}, {"month_from": "x", "cycle": "y"}]
)
def test_garbage_starts_no_export(hr, body):
    problem(client_for(hr).post(START, body, format="json"), 400)
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("role", [r for r in ROLES if r != "hr"])
def test_nobody_but_the_requester_polls_or_downloads_a_job(request, hr, table, media, role):
    api = client_for(hr)
    started = api.post(START, {"month_from": table.month.strftime("%Y-%m")}, format="json").json()
    export_job_build(job_id=started["id"])
    other = client_for(request.getfixturevalue(role))
    problem(other.get(f"{START}{started['id']}/"), 404)
    problem(other.get(f"{START}{started['id']}/download/"), 404)
    assert api.get(f"{START}{started['id']}/download/").status_code == 200


def test_an_api_export_speaks_its_callers_language(hr, table, media):
    hr.language = "zh-hans"
    hr.save(update_fields=["language"])
    month = table.month.strftime("%Y-%m")
    response = client_for(hr).post(START, {"month_from": month}, format="json")
    assert response.json()["params"]["language"] == "zh-hans"
    export_job_build(job_id=response.json()["id"])
    job = ExportJob.objects.get()
    with translation.override("zh-hans"):
        subject = translation.gettext("Subject")
    workbook = load_workbook(media / "exports" / job.file_name)
    assert workbook["Rows"]["A1"].value == subject != "Subject"
    assert job.params["download_name"] == f"review-tables_{month}.xlsx"
