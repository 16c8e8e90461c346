"""The *Results* sheet of the XLSX export and the result's PDF (issue 17 §3): one line per
result in the exporter's scope, in words; the rating columns before publication only for
HR and the calibration's participants."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reviews.models import Calibration
from reviews.results import result_propose
from tests.exports.test_exports import export
from tests.results.conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(manager, rob_result):
    return result_propose(
        actor=manager, result_id=rob_result.pk, rating="Exceeds expectations",
        comment="Two key accounts", version=rob_result.version,
    )  # fmt: skip


def results_sheet(django_app, user, cycle) -> dict[str, dict[str, object]]:
    response = export(django_app, user, month=f"{cycle.start_date.year}-03")
    sheet = load_workbook(io.BytesIO(response.body))["Results"]
    header = [str(cell.value) for cell in sheet[1]]
    return {
        str(row[header.index("Subject")]): dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }


def test_hr_exports_every_result_with_its_rating_in_words(django_app, hr, proposed, last_year):
    lines = results_sheet(django_app, hr, last_year)
    assert set(lines) == {"Rob Report", "Ivy Indirect", "Paul Peer", "Sales"}
    rob = lines["Rob Report"]
    assert rob["Cycle"] == last_year.name and rob["Department"] == "Sales"
    assert rob["Manager"] == "Maria Manager" and rob["Weighted completion"] == 0.5
    assert rob["State"] == "Proposed" and rob["Proposed rating"] == "Exceeds expectations"
    assert rob["Final rating"] == "Exceeds expectations" and rob["Comment"] == "Two key accounts"
    assert rob["Published"] == "No"
    assert lines["Ivy Indirect"]["State"] == "Not proposed"


def test_a_manager_exports_her_chain_without_ratings_until_published(
    django_app, manager, proposed, last_year
):
    lines = results_sheet(django_app, manager, last_year)
    assert set(lines) == {"Rob Report", "Ivy Indirect"}
    assert lines["Rob Report"]["Proposed rating"] is None and lines["Rob Report"]["Comment"] is None
    assert lines["Rob Report"]["State"] == "Proposed"
    publish(last_year)
    lines = results_sheet(django_app, manager, last_year)
    assert lines["Rob Report"]["Final rating"] == "Exceeds expectations"


def test_a_participant_exports_the_ratings_of_her_chain(
    django_app, other_manager, proposed, last_year, results
):
    calibration = Calibration.objects.create(cycle=last_year)
    calibration.participants.add(other_manager)
    lines = results_sheet(django_app, other_manager, last_year)
    assert set(lines) == {"Paul Peer"}  # the export is her chain; ratings there her right


def test_the_printable_result_and_its_pdf(django_app, manager, proposed):
    page = django_app.get(reverse("reviews:result_print", args=[proposed.pk]), user=manager)
    assert "Exceeds expectations" in page.text and "Orders won" in page.text
    pdf = django_app.get(reverse("reviews:result_pdf", args=[proposed.pk]), user=manager)
    assert pdf.content_type == "application/pdf" and pdf.body.startswith(b"%PDF")
