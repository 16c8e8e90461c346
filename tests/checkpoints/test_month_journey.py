"""Issue 16's "done when": a manager follows the app through one month and does what
the source text describes, each step through the pages as rendered — the node is
checked, the missed target talked through and its reasons recorded, the improvement
planned, a fact recorded, the monthly table filled with its own and outside reasons,
and the month's review conversation held with its facts and the nine questions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coaching.models import Checkpoint, CoachingSession, ImprovementPlan, PerformanceFact
from plans.models import TargetCheck
from reviews.jobs import month_end_generation_run
from reviews.models import ReviewConversation
from reviews.services import review_table_for
from tests.review_tables.conftest import field_by_label
from tests.webtest_helpers import choose, form_by_testid, form_with_button, messages, press

pytestmark = pytest.mark.django_db


def test_one_month_of_the_method(
    django_app, manager, report, orders, django_capture_on_commit_callbacks
):
    # The month-end job checks March's node and prepares the tables.
    with django_capture_on_commit_callbacks(execute=True):
        month_end_generation_run(force=True)
    assert not TargetCheck.objects.get(objective=orders, month=dt.date(2026, 3, 1)).met

    # The coach finds the missed target on the home page and talks it through.
    home = django_app.get("/", user=manager)
    checkpoint_page = home.click("Rob Report · Orders won")
    form = form_by_testid(checkpoint_page, "checkpoint-form")
    form["own_reasons"] = "Started late after the training week."
    form["outside_reasons"] = "Two customers froze budgets."
    choose(form, "decision", "Open an improvement plan")
    plan_form = form_with_button(press(form, "Save the checkpoint").follow(), "Save")
    plan_form["measures"] = "Two extra customer visits a week."
    plan_form["support"] = "Ivy joins the two largest visits."
    plan_form["first_review"] = "2026-04-30"
    press(plan_form, "Save").follow()
    plan = ImprovementPlan.objects.get()
    assert Checkpoint.objects.get().improvement_plan == plan

    # A fact of March, recorded as it was seen.
    timeline = django_app.get(reverse("coaching:timeline", args=[report.pk]), user=manager)
    fact_form = form_by_testid(timeline.click("Record a fact"), "fact-form")
    choose(fact_form, "kind", "Positive")
    fact_form["observed_on"] = "2026-03-28"
    fact_form["observed"] = "Won back Acme with a clear proposal."
    press(fact_form, "Save fact").follow()
    assert PerformanceFact.objects.filter(employee=report).count() == 1

    # Rob fills March's table: the gap's own and outside reasons, and submits it.
    # (March's table, as the month-end job made it at the end of March.)
    table = review_table_for(cycle=orders.cycle, month=dt.date(2026, 3, 1), employee=report)
    page = django_app.get(table.get_absolute_url(), user=report)
    fill = form_by_testid(page, "fill-form")
    fill[field_by_label(page, "Own reasons · Orders won")] = "Late start."
    fill[field_by_label(page, "Outside reasons · Orders won")] = "Budgets frozen."
    fill["summary"] = "Behind on orders; a plan is agreed."
    fill["work-0-title"] = "Visit Acme and Globex"
    assert "Submitted." in fill.submit("then_submit").follow()

    # The reviewer holds the month's review conversation from the table.
    table_page = django_app.get(table.get_absolute_url(), user=manager)
    assert table_page.html.select_one("[data-testid=row-follow-up]")
    session_page = table_page.click("Hold the review conversation")
    assert "Won back Acme with a clear proposal." in session_page.text  # the month's fact
    session_form = form_with_button(session_page, "Save session")
    note = session_form["note"].value
    assert "own reasons: Late start. · outside reasons: Budgets frozen." in note
    choose(session_form, "type", "Directional guidance")
    for key in ("progress", "going_well", "to_improve", "on_course", "agreed", "adjust_goals"):
        session_form[f"question_{key}"] = f"Answer about {key}."
    shown = press(session_form, "Save session").follow()
    assert messages(shown) == ["The review conversation has been saved."]
    coverage = shown.html.select_one("[data-testid=question-coverage]").get_text(strip=True)
    assert coverage == "6 of 9 questions answered"
    session = CoachingSession.objects.get(occasion="midterm")
    assert ReviewConversation.objects.get().session == session
