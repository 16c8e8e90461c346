"""The plan, sessions and improvement plans of a person who has left are a record.

Their managers and HR still read them (issue 15, section 1), but no page offers
to write them and every write address refuses, writing nothing: no objective
added or changed, no confirmation, no check-in, no session logged or edited,
no step ticked, no improvement plan opened or changed.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession, ImprovementPlan
from plans.models import CheckIn, Objective, PerformancePlan, PhaseTarget
from reviews.lifecycle import person_offboard
from tests.factories import make_objective

pytestmark = pytest.mark.django_db


@pytest.fixture
def robs_objective(cycle, report):
    return make_objective(cycle, employee=report, title="Orders won", weight=100, target=120)


def offboard(person, hr):
    person_offboard(person=person, by=hr)
    person.refresh_from_db()
    assert not person.is_active


def test_a_leavers_plan_page_offers_nothing_to_write(
    django_app, hr, manager, report, cycle, robs_objective
):
    plan_url = reverse("plans:person_objectives", args=[report.pk]) + f"?cycle={cycle.pk}"
    before = django_app.get(plan_url, user=manager)
    assert "Confirm as manager" in before.text and "Add objective" in before.text

    offboard(report, hr)
    page = django_app.get(plan_url, user=manager)
    notice = page.html.select_one("[data-testid=subject-left]").get_text(" ", strip=True)
    assert notice == "Rob Report has left the organisation: this plan is a read-only record."
    assert "Orders won" in page.text  # still read
    for write in ("Confirm as manager", "Add objective", "Log session"):
        assert write not in page.text, write

    objective_page = django_app.get(robs_objective.get_absolute_url(), user=manager)
    assert "Orders won" in objective_page.text
    for write in ("Record check-in", "Log session", "Open an improvement plan"):
        assert write not in objective_page.text, write
    links = [a["href"] for a in objective_page.html.select("main a[href]")]
    for address in (
        reverse("plans:objective_edit", args=[robs_objective.pk]),
        reverse("plans:objective_targets", args=[robs_objective.pk]),
        reverse("coaching:session_new"),
        reverse("coaching:improvement_plan_new"),
    ):
        assert not [link for link in links if link.startswith(address)], address


def test_every_write_address_of_a_leavers_plan_refuses_and_writes_nothing(
    django_app, client, hr, manager, report, cycle, robs_objective
):
    offboard(report, hr)
    client.force_login(manager)
    objective = robs_objective
    # Attacks: hand-made requests to the addresses the pages no longer offer.
    confirm = client.post(
        reverse("plans:plan_confirm"),
        {"cycle": cycle.pk, "employee": report.pk, "side": "manager", "seen": "x"},
    )
    assert confirm.status_code == 403
    new = reverse("plans:objective_new")
    subject = {"cycle": cycle.pk, "employee": report.pk}
    assert client.get(new, subject).status_code == 403
    added = {**subject, "title": "More", "weight": "10", "measure": "milestone"}
    assert client.post(new, added).status_code == 403
    edit = reverse("plans:objective_edit", args=[objective.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"title": "Renamed", "weight": "100"}).status_code == 403
    targets = reverse("plans:objective_targets", args=[objective.pk])
    assert client.get(targets).status_code == 403
    assert client.post(targets, {"version": objective.version}).status_code == 403
    checkin = client.post(
        reverse("plans:checkin_new", args=[objective.pk]),
        {"value": "50", "confidence": "3", "recorded_on": timezone.localdate().isoformat()},
    )
    assert checkin.status_code == 403

    objective.refresh_from_db()
    assert objective.title == "Orders won"
    assert Objective.objects.filter(employee=report).count() == 1
    assert not CheckIn.objects.filter(objective=objective).exists()
    assert PhaseTarget.objects.filter(objective=objective).count() == len(cycle.nodes)
    assert not PerformancePlan.objects.filter(
        employee=report, manager_confirmed_at__isnull=False
    ).exists()


def test_a_leavers_sessions_and_improvement_plans_are_read_only(
    django_app, client, hr, manager, report, cycle, robs_objective
):
    session = CoachingSession.objects.create(coach=manager, employee=report, type="guidance")
    done_step = ActionItem.objects.create(
        session=session, title="Call back", owner=report, done_at=timezone.now()
    )
    plan = ImprovementPlan.objects.create(
        employee=report, objective=robs_objective, measures="More calls", opened_by=manager
    )
    offboard(report, hr)

    page = django_app.get(session.get_absolute_url(), user=manager)
    notice = page.html.select_one("[data-testid=coachee-left]").get_text(" ", strip=True)
    assert notice == "Rob Report has left the organisation: this session is a read-only record."
    assert "Edit or expand" not in page.text
    assert "Call back" in page.text and "Undo" not in page.text
    plan_page = django_app.get(plan.get_absolute_url(), user=manager)
    assert "this plan is a read-only record" in plan_page.text
    assert "Log a follow-up session" not in plan_page.text
    plan_edit = reverse("coaching:improvement_plan_edit", args=[plan.pk])
    assert not plan_page.html.select(f'a[href="{plan_edit}"]')
    timeline = django_app.get(reverse("coaching:timeline", args=[report.pk]), user=manager)
    assert "Log session" not in timeline.text
    assert "Open an improvement plan" not in timeline.text

    client.force_login(manager)
    edit = reverse("coaching:session_edit", args=[session.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"note": "Rewritten"}).status_code == 403
    untick = client.post(reverse("coaching:action_item_toggle", args=[done_step.pk]), {"done": "0"})
    assert untick.status_code == 403
    assert client.get(plan_edit).status_code == 403
    new_plan = reverse("coaching:improvement_plan_new") + f"?employee={report.pk}"
    assert client.get(new_plan).status_code == 404  # nobody to coach any more
    new_session = reverse("coaching:session_new") + f"?employee={report.pk}"
    assert client.get(new_session).status_code == 404  # nobody to coach any more

    session.refresh_from_db()
    done_step.refresh_from_db()
    plan.refresh_from_db()
    assert session.note == "" and done_step.is_done and plan.measures == "More calls"
    assert CoachingSession.objects.filter(employee=report).count() == 1
    assert ImprovementPlan.objects.filter(employee=report).count() == 1
