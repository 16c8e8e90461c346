"""Every URL of performance plans, tried as the wrong person: never the data."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import AppraisalCycle, CheckIn, Objective, PerformancePlan
from tests.factories import make_cycle, make_objective

pytestmark = pytest.mark.django_db

SECRET = "Confidential revenue objective"


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


@pytest.fixture
def robs(cycle, report):
    return make_objective(cycle, employee=report, title=SECRET)


@pytest.fixture
def sales_goal(cycle, sales):
    return make_objective(cycle, department=sales, title="Sales department goal")


def read_urls(objective):
    return [
        reverse("plans:objective_detail", args=[objective.pk]),
        reverse("plans:person_objectives", args=[objective.employee_id]),
    ]


def write_requests(objective, cycle):
    # Attacks: hand-built requests from people whose pages offer no such form.
    return [
        ("get", reverse("plans:objective_edit", args=[objective.pk]), {}),
        ("post", reverse("plans:objective_edit", args=[objective.pk]), {"title": "x"}),
        ("get", reverse("plans:objective_targets", args=[objective.pk]), {}),
        ("post", reverse("plans:objective_targets", args=[objective.pk]), {}),
        (
            "post",
            reverse("plans:checkin_new", args=[objective.pk]),
            {"value": "5", "confidence": "3", "recorded_on": timezone.localdate().isoformat()},
        ),
        (
            "get",
            reverse("plans:objective_new") + f"?cycle={cycle.pk}&employee={objective.employee_id}",
            {},
        ),
        (
            "post",
            reverse("plans:objective_new"),
            {
                "cycle": cycle.pk,
                "employee": objective.employee_id,
                "title": "Injected",
                "weight": 1,
            },
        ),
        (
            "post",
            reverse("plans:plan_confirm"),
            {"cycle": cycle.pk, "employee": objective.employee_id, "side": "manager"},
        ),
    ]


@pytest.mark.parametrize("intruder", ["peer", "other_manager", "outsider", "indirect_report"])
def test_nobody_outside_the_chain_reads_or_changes_an_employees_plan(
    client, request, robs, cycle, intruder
):
    client.force_login(request.getfixturevalue(intruder))
    for url in read_urls(robs):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert SECRET not in response.content.decode()
    for method, url, data in write_requests(robs, cycle):
        response = getattr(client, method)(url, data)
        assert response.status_code in (403, 404), (method, url)
        assert SECRET not in response.content.decode()
    assert Objective.objects.filter(title="Injected").count() == 0
    assert CheckIn.objects.count() == 0
    assert not PerformancePlan.objects.filter(manager_confirmed_at__isnull=False).exists()


def test_the_employee_and_both_managers_above_may_read_and_write(
    client, robs, report, manager, indirect_report, cycle
):
    ivys = make_objective(cycle, employee=indirect_report, title="Ivy's objective")
    for person, objective in ((report, robs), (manager, robs), (manager, ivys), (report, ivys)):
        client.force_login(person)
        for url in read_urls(objective):
            assert client.get(url).status_code == 200, (person, url)
        assert client.get(reverse("plans:objective_edit", args=[objective.pk])).status_code == 200


def test_hr_reads_every_plan_but_changes_none(client, hr, robs, cycle):
    client.force_login(hr)
    for url in read_urls(robs):
        response = client.get(url)
        assert response.status_code == 200 and SECRET in response.content.decode()
    for method, url, data in write_requests(robs, cycle):
        assert getattr(client, method)(url, data).status_code == 403, (method, url)


def test_a_department_member_reads_the_department_goal_but_cannot_change_it(
    client, report, sales_goal, cycle, sales
):
    client.force_login(report)
    page = client.get(reverse("plans:department_objectives", args=[sales.pk]))
    assert page.status_code == 200 and "Sales department goal" in page.content.decode()
    assert client.get(reverse("plans:objective_edit", args=[sales_goal.pk])).status_code == 403
    # An attack: the department goal's page offers Rob no check-in form.
    checkin = client.post(
        reverse("plans:checkin_new", args=[sales_goal.pk]),
        {"value": "5", "confidence": "3", "recorded_on": timezone.localdate().isoformat()},
    )
    assert checkin.status_code == 403
    new = client.get(reverse("plans:objective_new") + f"?cycle={cycle.pk}&department={sales.pk}")
    assert new.status_code == 403


def test_another_department_cannot_see_sales_objectives(client, peer, sales_goal, sales):
    client.force_login(peer)
    assert client.get(reverse("plans:department_objectives", args=[sales.pk])).status_code == 403
    response = client.get(reverse("plans:objective_detail", args=[sales_goal.pk]))
    assert response.status_code == 404
    assert "Sales department goal" not in response.content.decode()


def test_the_department_head_edits_the_department_goal(client, manager, sales_goal):
    client.force_login(manager)
    assert client.get(reverse("plans:objective_edit", args=[sales_goal.pk])).status_code == 200


@pytest.mark.parametrize("person", ["manager", "report", "outsider"])
def test_cycle_pages_are_for_hr_only(client, request, cycle, person):
    client.force_login(request.getfixturevalue(person))
    for url in (
        reverse("plans:cycle_list"),
        reverse("plans:cycle_new"),
        reverse("plans:cycle_detail", args=[cycle.pk]),
        reverse("plans:cycle_edit", args=[cycle.pk]),
    ):
        assert client.get(url).status_code == 403, url
    # An attack: only HR's cycle page has the state buttons.
    state = client.post(reverse("plans:cycle_state", args=[cycle.pk]), {"state": "closed"})
    assert state.status_code == 403
    cycle.refresh_from_db()
    assert cycle.state == "active"


def test_a_closed_cycle_is_read_only_for_everybody(client, robs, cycle, report, manager):
    AppraisalCycle.objects.filter(pk=cycle.pk).update(state="closed")
    for person in (report, manager):
        client.force_login(person)
        assert client.get(reverse("plans:objective_detail", args=[robs.pk])).status_code == 200
        for method, url, data in write_requests(robs, cycle):
            assert getattr(client, method)(url, data).status_code == 403, (method, url)
    assert CheckIn.objects.count() == 0


def test_check_ins_need_an_active_cycle(client, robs, cycle, report):
    AppraisalCycle.objects.filter(pk=cycle.pk).update(state="planning")
    client.force_login(report)
    assert "Record check-in" not in client.get(robs.get_absolute_url()).content.decode()
    # An attack: a planning cycle's objective page offers no check-in form.
    response = client.post(
        reverse("plans:checkin_new", args=[robs.pk]),
        {"value": "5", "confidence": "3", "recorded_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    assert client.get(reverse("plans:objective_edit", args=[robs.pk])).status_code == 200
