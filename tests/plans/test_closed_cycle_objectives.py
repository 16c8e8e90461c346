"""An objective of a closed cycle is a record: its page offers no action, and the
addresses of those actions refuse (issue 15 §4). From an open cycle's objective,
"Log session" starts a session already linked to it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department
from coaching.models import CoachingSession, ImprovementPlan
from plans.models import Objective
from plans.selectors import ProgressState
from tests.factories import DepartmentFactory, make_cycle, make_objective
from tests.webtest_helpers import form_with_button, messages, press

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_year(db):
    return make_cycle(2025, name="2025")


@pytest.fixture
def old_objective(last_year, report):
    objective = make_objective(last_year, employee=report, title="Orders of 2025")
    Objective.objects.filter(pk=objective.pk).update(progress_state=ProgressState.LAGGING)
    return objective


def close(cycle):
    cycle.state = "closed"
    cycle.save(update_fields=["state"])


def test_an_objective_of_a_closed_cycle_offers_no_session_or_improvement_plan(
    django_app, manager, last_year, old_objective
):
    before = django_app.get(old_objective.get_absolute_url(), user=manager)
    assert "Log session" in before.text and "Open an improvement plan" in before.text

    close(last_year)
    page = django_app.get(old_objective.get_absolute_url(), user=manager)
    assert "Orders of 2025" in page.text
    for action in ("Log session", "Open an improvement plan", "Record check-in"):
        assert action not in page.text, action
    links = [a["href"] for a in page.html.select("main a[href]")]
    for address in (
        reverse("coaching:session_new"),
        reverse("coaching:improvement_plan_new"),
        reverse("plans:objective_edit", args=[old_objective.pk]),
        reverse("plans:objective_targets", args=[old_objective.pk]),
    ):
        assert not [link for link in links if link.startswith(address)], address


def test_the_addresses_of_those_actions_refuse_and_write_nothing(
    django_app, client, manager, report, last_year, old_objective
):
    page = django_app.get(old_objective.get_absolute_url(), user=manager)
    log_session = page.html.find("a", string="Log session")["href"]
    open_plan = page.html.find("a", string="Open an improvement plan")["href"]
    close(last_year)

    client.force_login(manager)
    assert client.get(log_session).status_code == 403
    assert client.get(open_plan).status_code == 403
    # The form of a plan refuses the objective too, whatever is posted (an attack).
    posted = client.post(
        open_plan,
        {
            "employee": report.pk,
            "objective": old_objective.pk,
            "measures": "More calls",
            "first_review": "2030-01-15",
        },
    )
    assert posted.status_code == 403
    assert not CoachingSession.objects.exists()
    assert not ImprovementPlan.objects.exists()


def test_a_department_plan_of_a_closed_cycle_offers_no_session(django_app, manager, sales):
    inside = DepartmentFactory(name="Inside sales", parent=sales)
    cycle = make_cycle(2025)
    make_objective(cycle, department=inside, title="Team calls")
    url = reverse("plans:department_objectives", args=[inside.pk]) + f"?cycle={cycle.pk}"
    assert "Log session" in django_app.get(url, user=manager).text
    close(cycle)
    page = django_app.get(url, user=manager)
    assert "Team calls" in page.text and "Log session" not in page.text
    assert Department.objects.get(pk=inside.pk).parent == sales


def test_log_session_from_an_objective_links_the_session_to_it(django_app, manager, report):
    cycle = make_cycle(timezone.localdate().year)
    objective = make_objective(cycle, employee=report, title="Orders won")
    make_objective(cycle, employee=report, title="Calls made", weight=0)
    page = django_app.get(objective.get_absolute_url(), user=manager).click(
        description="Log session"
    )
    form = form_with_button(page, "Save session")
    assert form[f"obj-{objective.pk}-linked"].checked
    others = [o for o in Objective.objects.filter(employee=report) if o != objective]
    assert [form[f"obj-{o.pk}-linked"].checked for o in others] == [False]
    form["note"] = "Walked through the pipeline."
    saved = press(form, "Save session").follow()
    assert messages(saved) == ["The coaching session has been saved."]
    session = CoachingSession.objects.get()
    assert list(session.objectives.all()) == [objective]
