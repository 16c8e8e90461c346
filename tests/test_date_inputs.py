"""Date boxes keep their dates in every language: in Simplified Chinese the forms wrote
dates as 2026/12/01, which an <input type="date"> shows blank, and saving a plan then
cleared its review dates (found by a new user's trial of issue 16). Every page the
suite renders is checked for this (tests/template_checks.py); here the forms with dates
are opened and saved in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coaching.models import CoachingSession, ImprovementPlan
from tests.factories import make_cycle, make_objective
from tests.webtest_helpers import form_with_button

pytestmark = pytest.mark.django_db


@pytest.fixture
def chinese(manager):
    manager.language = "zh-hans"
    manager.save(update_fields=["language"])
    return manager


def test_an_improvement_plan_keeps_its_review_dates_when_saved_in_chinese(
    django_app, chinese, report
):
    plan = ImprovementPlan.objects.create(
        employee=report,
        opened_by=chinese,
        own_reasons="Late proposals.",
        measures="Proposals within two days.",
        review_dates=["2026-12-10", "2027-01-10"],
    )
    page = django_app.get(
        reverse("coaching:improvement_plan_edit", args=[plan.pk]),
        user=chinese,
        headers={"Accept-Language": "zh-hans"},
    )
    form = form_with_button(page, "保存")
    assert form["first_review"].value == "2026-12-10"
    assert form["second_review"].value == "2027-01-10"
    form.submit().follow()
    plan.refresh_from_db()
    assert plan.review_dates == ["2026-12-10", "2027-01-10"]


def test_the_session_and_check_in_forms_show_iso_dates_in_chinese(django_app, chinese, report):
    session = CoachingSession.objects.create(
        coach=chinese,
        employee=report,
        type="guidance",
        duration_minutes=30,
        held_on=dt.date(2026, 11, 20),
    )
    page = django_app.get(reverse("coaching:session_edit", args=[session.pk]), user=chinese)
    assert page.html.select_one("input[name=held_on]")["value"] == "2026-11-20"
    objective = make_objective(make_cycle(2026), employee=report)
    page = django_app.get(objective.get_absolute_url(), user=chinese)
    value = page.html.select_one("input[name=recorded_on]")["value"]
    assert len(value) == 10 and value[4] == "-" and value[7] == "-"
