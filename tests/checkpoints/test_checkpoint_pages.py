"""Issue 16 §1 through the pages: the coach finds each missed target (home, Team,
objective page), talks it through on the checkpoint's form as rendered, and decides;
an improvement plan starts from the checkpoint in one click."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coaching.checkpoints import checkpoints_open
from coaching.extensions import team_checkpoints
from coaching.models import Checkpoint, ImprovementPlan
from plans.models import TargetCheck
from tests.checkpoints.conftest import TODAY, since_january
from tests.factories import UserFactory, make_objective
from tests.webtest_helpers import (
    choose,
    errors_beside,
    form_by_testid,
    form_with_button,
    messages,
    press,
)

pytestmark = pytest.mark.django_db

OWN = "Started the quarter late after the training week"
OUTSIDE = "Two customers froze their budgets"


@pytest.fixture
def checkpoint(orders):
    checkpoints_open(today=TODAY)
    return Checkpoint.objects.get()


def test_the_coach_finds_the_checkpoint_on_home_team_and_objective_pages(
    django_app, manager, checkpoint, orders
):
    home = django_app.get("/", user=manager)
    listed = home.html.select_one("[data-testid=home-checkpoints]").get_text(" ", strip=True)
    assert "Rob Report · Orders won" in listed and "March 2026" in listed
    team = django_app.get(reverse("plans:team"), user=manager)
    records = team.html.select_one("[data-testid=team-records]").get_text(" ", strip=True)
    assert "Checkpoint to talk through: Rob Report · “Orders won” missed at March 2026" in records
    objective_page = django_app.get(orders.get_absolute_url(), user=manager)
    node_cells = [
        td.get_text(" ", strip=True)
        for td in objective_page.html.select("[data-testid=node-check]")
    ]
    assert node_cells[:3] == ["met 12 orders", "missed 18 orders", "missed 25 orders"]
    page = objective_page.click("Checkpoint of the March 2026 time node: to talk through")
    facts = page.html.select_one("[data-testid=checkpoint-facts]").get_text(" ", strip=True)
    assert "30 orders" in facts and "25 orders" in facts


def test_the_team_pages_checkpoint_links_read_nothing_more(manager, checkpoint):
    """The Team page selects only what a checkpoint's link shows
    (``CHECKPOINT_LINK_FIELDS``): writing the links loads no deferred column."""
    with CaptureQueriesContext(connection) as queries:
        (link, *_more) = team_checkpoints(manager)
    assert len(queries) == 1
    assert link.label == (
        "Checkpoint to talk through: Rob Report · “Orders won” missed at March 2026"
    )
    assert link.url == checkpoint.get_absolute_url()


def test_the_coach_records_the_talk_and_the_support_decided(django_app, manager, checkpoint):
    page = django_app.get(checkpoint.get_absolute_url(), user=manager)
    form = form_by_testid(page, "checkpoint-form")
    assert form["talked_on"].value == TODAY.isoformat()
    form["own_reasons"] = OWN
    form["outside_reasons"] = OUTSIDE
    choose(form, "decision", "Give support")
    form["decision_note"] = "Pair Rob with Ivy on the two largest accounts"
    after = press(form, "Save the checkpoint").follow()
    assert messages(after) == ["The checkpoint is saved."]
    checkpoint.refresh_from_db()
    assert (checkpoint.own_reasons, checkpoint.outside_reasons) == (OWN, OUTSIDE)
    assert checkpoint.decision == "support" and checkpoint.answered_by == manager
    assert "Answered" in after.html.select_one("[data-testid=checkpoint-state]").text
    # No longer waiting on the home page.
    assert not django_app.get("/", user=manager).html.select("[data-testid=home-checkpoints]")


def test_deciding_on_an_improvement_plan_opens_it_prefilled_and_links_it(
    django_app, manager, checkpoint, orders
):
    page = django_app.get(checkpoint.get_absolute_url(), user=manager)
    form = form_by_testid(page, "checkpoint-form")
    form["own_reasons"] = OWN
    form["outside_reasons"] = OUTSIDE
    choose(form, "decision", "Open an improvement plan")
    plan_page = press(form, "Save the checkpoint").follow()
    assert messages(plan_page) == ["The checkpoint is saved. Now set out the improvement plan."]
    assert plan_page.html.select_one("[data-testid=from-checkpoint]")
    plan_form = form_with_button(plan_page, "Save")
    assert plan_form["own_reasons"].value == OWN
    assert plan_form["outside_reasons"].value == OUTSIDE
    assert plan_form["objective"].value == str(orders.pk)
    plan_form["measures"] = "Two extra customer visits a week"
    plan_form["first_review"] = "2026-04-30"
    shown = press(plan_form, "Save").follow()
    assert messages(shown) == ["The improvement plan has been opened."]
    plan = ImprovementPlan.objects.get()
    checkpoint.refresh_from_db()
    assert checkpoint.improvement_plan == plan and plan.objective == orders
    back = django_app.get(checkpoint.get_absolute_url(), user=manager)
    assert back.html.select_one("[data-testid=linked-plan]")["href"] == plan.get_absolute_url()
    assert not back.html.select("[data-testid=open-plan]")


def test_the_one_click_plan_from_an_open_checkpoint_answers_it(django_app, manager, checkpoint):
    page = django_app.get(checkpoint.get_absolute_url(), user=manager).click(
        "Open an improvement plan"
    )
    plan_form = form_with_button(page, "Save")
    plan_form["own_reasons"] = OWN
    plan_form["measures"] = "Two extra customer visits a week"
    plan_form["first_review"] = "2026-04-30"
    press(plan_form, "Save").follow()
    checkpoint.refresh_from_db()
    assert not checkpoint.is_open and checkpoint.decision == "improvement_plan"
    assert checkpoint.own_reasons == OWN and checkpoint.improvement_plan is not None
    # While it is open, a second plan from the same checkpoint goes to the first.
    again = django_app.get(
        reverse("coaching:improvement_plan_new") + f"?checkpoint={checkpoint.pk}", user=manager
    ).follow()
    assert messages(again) == [
        "An improvement plan is already open for this checkpoint: here it is."
    ]
    assert again.request.path == checkpoint.improvement_plan.get_absolute_url()


def test_bad_answers_are_told_beside_their_fields_and_nothing_is_saved(
    django_app, manager, checkpoint
):
    page = django_app.get(checkpoint.get_absolute_url(), user=manager)
    form = form_by_testid(page, "checkpoint-form")
    form["talked_on"] = "2026-05-01"
    choose(form, "decision", "Adjust the plan")
    refused = press(form, "Save the checkpoint")
    assert errors_beside(refused, "talked_on") == [
        "The talk has to have happened: not a future day."
    ]
    assert errors_beside(refused, "own_reasons") == [
        "Record why: their own reasons, the outside ones, or both."
    ]
    assert errors_beside(refused, "decision_note") == ["Say how the plan changes."]
    checkpoint.refresh_from_db()
    assert checkpoint.is_open and checkpoint.decision == ""


def test_a_form_from_before_another_save_is_refused(django_app, manager, checkpoint):
    first = form_by_testid(
        django_app.get(checkpoint.get_absolute_url(), user=manager), "checkpoint-form"
    )
    second = form_by_testid(
        django_app.get(checkpoint.get_absolute_url(), user=manager), "checkpoint-form"
    )
    for form, reasons in ((first, OWN), (second, "Something else")):
        form["own_reasons"] = reasons
        choose(form, "decision", "Give support")
        form["decision_note"] = "Pairing"
    press(first, "Save the checkpoint").follow()
    refused = press(second, "Save the checkpoint", status=409)
    assert "Nothing of yours was saved" in messages(refused)[0]
    assert form_by_testid(refused, "checkpoint-form")["own_reasons"].value == "Something else"
    checkpoint.refresh_from_db()
    assert checkpoint.own_reasons == OWN


def attack(client, user, url, status):
    """A hand-built POST from ``user``: refused with ``status``."""
    client.force_login(user)
    assert client.post(url, {"own_reasons": "x", "decision": "support"}).status_code == status


def test_who_may_see_and_who_may_answer(
    django_app, client, checkpoint, report, hr, other_manager, peer, outsider, indirect_report
):
    url = checkpoint.get_absolute_url()
    # The person reads their checkpoint, and HR reads every one: neither answers.
    for reader in (report, hr):
        page = django_app.get(url, user=reader)
        assert not page.html.select("[data-testid=checkpoint-form]")
        assert page.html.select_one("[data-testid=not-answered]")
        attack(client, reader, url, 403)
    for stranger in (other_manager, peer, outsider, indirect_report):
        django_app.get(url, user=stranger, status=404)
        attack(client, stranger, url, 404)
    plan_url = reverse("coaching:improvement_plan_new") + f"?checkpoint={checkpoint.pk}"
    django_app.get(plan_url, user=report, status=403)
    django_app.get(plan_url, user=other_manager, status=404)
    checkpoint.refresh_from_db()
    assert checkpoint.is_open and not ImprovementPlan.objects.exists()


def test_a_closed_cycles_checkpoint_is_a_record(django_app, client, manager, checkpoint, cycle):
    cycle.state = "closed"
    cycle.save(update_fields=["state"])
    page = django_app.get(checkpoint.get_absolute_url(), user=manager)
    assert not page.html.select("[data-testid=checkpoint-form]")
    attack(client, manager, checkpoint.get_absolute_url(), 403)
    assert not django_app.get("/", user=manager).html.select("[data-testid=home-checkpoints]")


def test_the_list_shows_what_to_talk_through_with_flat_queries(
    django_app, manager, report, cycle, django_assert_max_num_queries
):
    for number in range(3):
        person = UserFactory(manager=manager, full_name=f"Person {number}")
        since_january(make_objective(cycle, employee=person, title=f"Goal {number}"))
    checkpoints_open(today=TODAY)
    url = reverse("coaching:checkpoint_list")
    django_app.get(url, user=manager)  # signed in: the session's own queries are behind
    with django_assert_max_num_queries(9):
        page = django_app.get(url, user=manager)
    rows = page.html.select("[data-testid=checkpoints] tr[data-checkpoint]")
    assert len(rows) == 3
    for number in range(3, 9):
        person = UserFactory(manager=manager, full_name=f"Person {number}")
        since_january(make_objective(cycle, employee=person, title=f"Goal {number}"))
    TargetCheck.objects.all().delete()
    checkpoints_open(today=TODAY)
    with django_assert_max_num_queries(9):
        page = django_app.get(url, user=manager)
    assert len(page.html.select("[data-testid=checkpoints] tr[data-checkpoint]")) == 9
    answered = django_app.get(url + "?status=answered", user=manager)
    assert not answered.html.select("[data-testid=checkpoints] tr[data-checkpoint]")
    # Bad filters keep their default and say so beside the filter.
    bad = django_app.get(url + "?status=nope&scope=%00", user=manager)
    assert errors_beside(bad, "status")
