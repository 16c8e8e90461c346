"""Two tabs (or two people) editing the same session or improvement plan: the later
save of a form opened earlier is refused with a message, the typed text stays on
screen, and nothing of it is saved; the earlier save is kept whole."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession, ImprovementPlan
from tests.webtest_helpers import another_browser, form_with_button, messages, press

pytestmark = pytest.mark.django_db

STALE = (
    "Someone saved this while you were editing it: another person, or you in another tab. "
    "Nothing of yours was saved: your input is still below. Open the page again in a new "
    "tab to see what changed, then save yours."
)


@pytest.fixture
def session(manager, report):
    return CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        duration_minutes=30,
        note="Pipeline review.",
        held_on=timezone.localdate(),
    )


def edit_tab(django_app, user, session):
    page = django_app.get(reverse("coaching:session_edit", args=[session.pk]), user=user)
    return form_with_button(page, "Save session")


def test_a_session_saved_in_another_tab_is_not_wiped_by_an_older_tab(django_app, manager, session):
    tab_a = edit_tab(django_app, manager, session)
    tab_b = edit_tab(django_app, manager, session)  # opened before A saves
    tab_a["agreements"] = "Rob calls the three open leads by Friday."
    press(tab_a, "Save session").follow()
    tab_b["open_topics"] = "Whether the discount policy fits the big accounts."
    tab_b["items-0-title"] = "Draft the discount proposal"
    refused = press(tab_b, "Save session", status=409)
    assert messages(refused) == [STALE]
    shown = form_with_button(refused, "Save session")
    assert shown["open_topics"].value == "Whether the discount policy fits the big accounts."
    assert shown["items-0-title"].value == "Draft the discount proposal"
    session.refresh_from_db()
    assert session.agreements == "Rob calls the three open leads by Friday."
    assert session.open_topics == ""
    assert not ActionItem.objects.exists()


def test_after_a_refused_stale_save_the_session_opened_again_saves(django_app, manager, session):
    tab_a = edit_tab(django_app, manager, session)
    tab_b = edit_tab(django_app, manager, session)
    tab_a["agreements"] = "Calls by Friday."
    press(tab_a, "Save session").follow()
    press(tab_b, "Save session", status=409)
    again = edit_tab(django_app, manager, session)
    assert again["agreements"].value == "Calls by Friday."
    again["open_topics"] = "Discounts."
    press(again, "Save session").follow()
    session.refresh_from_db()
    assert (session.agreements, session.open_topics) == ("Calls by Friday.", "Discounts.")


def test_an_acknowledgement_that_came_in_meanwhile_survives_the_coachs_save(
    django_app, manager, report, session
):
    tab = edit_tab(django_app, manager, session)
    page = another_browser(django_app).get(session.get_absolute_url(), user=report)
    press(form_with_button(page, "Acknowledge"), "Acknowledge").follow()
    tab["note"] = "Pipeline review, and the forecast."
    press(tab, "Save session")
    session.refresh_from_db()
    assert session.note == "Pipeline review, and the forecast."
    assert session.acknowledged_by == report


def test_an_improvement_plan_saved_by_another_tab_is_not_overwritten(django_app, manager, report):
    plan = ImprovementPlan.objects.create(
        employee=report,
        opened_by=manager,
        own_reasons="Not enough calls.",
        measures="Twenty calls a week.",
        review_dates=["2026-12-15"],
    )
    url = reverse("coaching:improvement_plan_edit", args=[plan.pk])
    tab_a = form_with_button(django_app.get(url, user=manager), "Save")
    tab_b = form_with_button(django_app.get(url, user=manager), "Save")
    tab_a["support"] = "A coach from the Munich office."
    press(tab_a, "Save").follow()
    tab_b["measures"] = "Thirty calls a week."
    refused = press(tab_b, "Save", status=409)
    assert messages(refused) == [STALE]
    assert form_with_button(refused, "Save")["measures"].value == "Thirty calls a week."
    plan.refresh_from_db()
    assert (plan.support, plan.measures) == (
        "A coach from the Munich office.",
        "Twenty calls a week.",
    )


def test_an_improvement_plan_edited_by_two_managers_at_once_keeps_the_first_save(
    django_app, manager, report, indirect_report
):
    # Rob manages Ivy directly, Maria above him: both may edit her improvement plan.
    plan = ImprovementPlan.objects.create(
        employee=indirect_report,
        opened_by=report,
        own_reasons="Not enough calls.",
        measures="Twenty calls a week.",
        review_dates=["2026-12-15"],
    )
    url = reverse("coaching:improvement_plan_edit", args=[plan.pk])
    robs = form_with_button(django_app.get(url, user=report), "Save")
    marias = form_with_button(another_browser(django_app).get(url, user=manager), "Save")
    marias["support"] = "A coach from the Munich office."
    press(marias, "Save").follow()
    robs["measures"] = "Thirty calls a week."
    robs["outcome_note"] = "Better already."
    refused = press(robs, "Save", status=409)
    assert messages(refused) == [STALE]
    shown = form_with_button(refused, "Save")
    assert (shown["measures"].value, shown["outcome_note"].value) == (
        "Thirty calls a week.",
        "Better already.",
    )
    plan.refresh_from_db()
    assert (plan.support, plan.measures, plan.outcome_note) == (
        "A coach from the Munich office.",
        "Twenty calls a week.",
        "",
    )
    # Opened again, Rob's page shows Maria's save, and his own then saves.
    again = form_with_button(django_app.get(url, user=report), "Save")
    assert again["support"].value == "A coach from the Munich office."
    again["measures"] = "Thirty calls a week."
    press(again, "Save").follow()
    plan.refresh_from_db()
    assert (plan.support, plan.measures) == (
        "A coach from the Munich office.",
        "Thirty calls a week.",
    )
