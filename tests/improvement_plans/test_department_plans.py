"""Improvement plans for a whole department, opened by a head above it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from coaching.models import ImprovementPlan
from tests.factories import make_objective
from tests.improvement_plans.conftest import plan_for
from tests.webtest_helpers import choose, form_with_button, messages, options, press

pytestmark = pytest.mark.django_db


def test_a_head_above_opens_a_plan_for_a_department(django_app, manager, north, cycle, today):
    make_objective(cycle, department=north, title="Northern revenue")
    page = django_app.get(
        reverse("coaching:improvement_plan_new"), {"department": north.pk}, user=manager
    )
    assert "Department: Sales North" in page.text
    form = form_with_button(page, "Save")
    assert options(form, "objective") == ["No particular objective", "Northern revenue"]
    choose(form, "objective", "Northern revenue")
    form["outside_reasons"] = "A competitor cut prices."
    form["measures"] = "Visit the ten largest customers."
    form["first_review"] = (today + dt.timedelta(days=7)).isoformat()
    shown = press(form, "Save").follow()
    assert messages(shown) == ["The improvement plan has been opened."]
    plan = ImprovementPlan.objects.get()
    assert plan.department == north and plan.employee is None
    assert "Improvement plan · Sales North" in shown.text
    # A follow-up session is logged with the department, for this plan.
    follow_up = shown.click(description="Log a follow-up session")
    assert form_with_button(follow_up, "Save session")["improvement_plan"].value == str(plan.pk)
    # The head of the department finds it as theirs.
    mine = django_app.get(reverse("coaching:improvement_plan_list"), user=north.head)
    assert "Sales North" in mine.html.select_one("[data-testid=plans]").text


@pytest.mark.parametrize("who", ["peer", "other_manager", "report"])
def test_only_a_head_above_may_open_a_department_plan(django_app, north, who, request):
    user = request.getfixturevalue(who)
    response = django_app.get(
        reverse("coaching:improvement_plan_new"),
        {"department": north.pk},
        user=user,
        expect_errors=True,
    )
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["peer", "other_manager", "report", "outsider"])
def test_a_department_plan_is_hidden_from_outside_the_line(django_app, north, who, request):
    plan = plan_for(department=north)
    user = request.getfixturevalue(who)
    for name in ("coaching:improvement_plan_detail", "coaching:improvement_plan_edit"):
        response = django_app.get(reverse(name, args=[plan.pk]), user=user, expect_errors=True)
        assert response.status_code == 404


def test_the_head_of_the_department_reads_but_does_not_edit_it(django_app, north):
    plan = plan_for(department=north)
    page = django_app.get(plan.get_absolute_url(), user=north.head)
    assert "Proposals within two days." in page.text and "Edit" not in page.text
    response = django_app.get(
        reverse("coaching:improvement_plan_edit", args=[plan.pk]),
        user=north.head,
        expect_errors=True,
    )
    assert response.status_code == 403


def test_a_plan_has_exactly_one_subject(report, north):
    with transaction.atomic(), pytest.raises(IntegrityError):
        ImprovementPlan.objects.create(employee=report, department=north, measures="x")
    with transaction.atomic(), pytest.raises(IntegrityError):
        ImprovementPlan.objects.create(measures="x")


def test_the_department_page_offers_the_head_above_to_open_a_plan(
    django_app, manager, north, cycle
):
    make_objective(cycle, department=north, title="Northern revenue")
    page = django_app.get(reverse("plans:department_objectives", args=[north.pk]), user=manager)
    form_page = page.click(description="Open an improvement plan")
    assert "Department: Sales North" in form_page.text
    # The department's own head is its subject, not its coach: no such button.
    own = django_app.get(reverse("plans:department_objectives", args=[north.pk]), user=north.head)
    assert "Open an improvement plan" not in own.text


def test_the_head_above_records_a_department_plans_outcome(django_app, manager, north, today):
    plan = plan_for(department=north, opened_by=manager, reviews=[today - dt.timedelta(days=1)])
    page = django_app.get(plan.get_absolute_url(), user=manager)
    assert page.html.select_one("[data-testid=outcome-due-ask]") is not None
    form = form_with_button(page.click(description="Edit"), "Save")
    choose(form, "outcome", "Improved: objective back on plan")
    form["outcome_note"] = "Back on plan."
    saved = press(form, "Save").follow()
    assert messages(saved) == ["The improvement plan has been saved."]
    plan.refresh_from_db()
    assert plan.outcome == "improved" and plan.department == north


def test_a_head_who_manages_nobody_finds_the_department_plan_from_the_menu(django_app, north):
    home = django_app.get("/", user=north.head)
    assert "Improvement plans" not in home.text
    plan_for(department=north)
    page = django_app.get("/", user=north.head).click(description="Improvement plans")
    assert "Sales North" in page.html.select_one("[data-testid=plans]").text
