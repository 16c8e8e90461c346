"""HR → Background jobs: the settings form, filled and submitted as the page renders it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from reviews.jobs import month_end_generation_run, reminders_run
from reviews.models import JobRun, JobSettings
from tests.factories import UserFactory, make_cycle, make_objective
from tests.webtest_helpers import choose, errors_beside, form_with_button, messages, press

pytestmark = pytest.mark.django_db


def settings_form(django_app, hr):
    page = django_app.get(reverse("home"), user=hr).click(description="Background jobs")
    return page, form_with_button(page, "Save")


def test_hr_changes_when_the_jobs_run_and_who_is_told(django_app, hr):
    _page, form = settings_form(django_app, hr)
    assert form["generation_hour"].value == "2"
    form["generation_hour"] = "5"
    form["deadline_days"] = "7"
    form["overdue_hr_days"] = "10"
    choose(form, "digest_weekday", "Friday")
    response = press(form, "Save")
    assert response.location == reverse("reviews:jobs")
    stored = JobSettings.current()
    assert (stored.generation_hour, stored.deadline_days, stored.overdue_hr_days) == (5, 7, 10)
    assert stored.digest_weekday == 4
    shown = response.follow()
    assert messages(shown) == ["The job settings have been saved."]
    assert form_with_button(shown, "Save")["generation_hour"].value == "5"


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"generation_hour": "24"}, "generation_hour", "less than or equal to 23."),
        ({"generation_hour": ""}, "generation_hour", "This field is required."),
        ({"not_coached_days": "0"}, "not_coached_days", "greater than or equal to 1."),
        (
            {"overdue_manager_days": "9", "overdue_hr_days": "3"},
            "overdue_hr_days",
            "HR is told after the manager, not before.",
        ),
    ],
)
def test_bad_settings_are_refused_beside_the_field_and_nothing_changes(
    django_app, hr, typed, field, message
):
    _page, form = settings_form(django_app, hr)
    form["deadline_days"] = "9"
    for name, value in typed.items():
        form[name] = value
    refused = press(form, "Save")
    assert refused.status_code == 200
    assert any(error.endswith(message) for error in errors_beside(refused, field))
    assert form_with_button(refused, "Save")["deadline_days"].value == "9"  # kept on screen
    assert JobSettings.current().deadline_days == 5


def test_staff_who_are_not_hr_read_the_settings_but_are_offered_no_save(django_app, hr):
    staff = UserFactory(full_name="Sam Staff", is_staff=True)
    page = django_app.get(reverse("reviews:jobs"), user=staff)
    assert page.status_code == 200 and "job-runs" in page.text
    assert all("disabled" in field.attrs for field in _settings_fields(page))
    assert "Save" not in [b.get_text(strip=True) for b in page.html.find_all("button")]
    assert "Only HR and administrators can change these settings." in page.text


def _settings_fields(page):
    form = next(f for f in page.forms.values() if "generation_hour" in f.fields)
    return [field for name, fields in form.fields.items() if name for field in fields
            if name != "csrfmiddlewaretoken"]  # fmt: skip


def test_the_jobs_outcomes_are_worded_in_the_readers_language(django_app, hr, report):
    """A run keeps what it did as data, so each reader sees it in their own language
    (the worker's is nobody's); a run recorded before that shows its stored text."""
    cycle = make_cycle(2026)
    make_objective(cycle, employee=report)
    with time_machine.travel(dt.datetime(2026, 5, 10, 9, tzinfo=dt.UTC), tick=False):
        run = month_end_generation_run(force=True)
        reminders_run(force=True)
    assert run is not None
    assert run.report[0] == {
        "say": "tables_generated",
        "cycle": "2026",
        "month": "2026-05-01",
        "tables": 1,
        "rows": 1,
        "carried": 0,
    }

    def outcomes(page):
        rows = page.html.select("[data-testid=job-runs] tbody tr")
        return {
            row.td["data-job"]: row.select_one("[data-testid=job-outcome]").get_text(strip=True)
            for row in rows
            if row.select_one("[data-testid=job-outcome]")
        }

    english = outcomes(django_app.get(reverse("reviews:jobs"), user=hr))
    assert english["month_end_generation"].startswith(
        "2026, May 2026: 1 table created, 1 row, 0 work plan items carried over; Progress restated"
    )
    assert english["reminders"] == "People nobody has coached: 1 sent"
    with time_machine.travel(dt.datetime(2026, 5, 10, 10, tzinfo=dt.UTC), tick=False):
        reminders_run(force=True)  # sent once: nothing again
    again = outcomes(django_app.get(reverse("reviews:jobs"), user=hr))
    assert again["reminders"] == "Nothing was due."

    hr.language = "zh-hans"
    hr.save(update_fields=["language"])
    chinese = outcomes(django_app.get(reverse("reviews:jobs"), user=hr))
    assert "2026年5月" in chinese["month_end_generation"]
    assert "May 2026" not in chinese["month_end_generation"]
    page = django_app.get(reverse("reviews:jobs"), user=hr)
    rows = page.html.select("[data-testid=job-runs] tbody tr")
    names = [row.td.get_text(strip=True) for row in rows]
    assert names == ["月末生成月度考核表", "提醒", "每周摘要"]

    JobRun.objects.create(job="weekly_digest", outcome=JobRun.Outcome.OK, detail="3 digests")
    assert outcomes(django_app.get(reverse("reviews:jobs"), user=hr))["weekly_digest"] == (
        "3 digests"
    )
