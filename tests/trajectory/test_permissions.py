"""Who sees a trajectory: the person, the managers above, HR (session metadata only),
a former manager for their period — nobody else; the dashboard's mix within its scope."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Assignment
from coaching.models import CoachingSession
from tests.factories import UserFactory
from tests.lifecycle.test_moves_and_leaving import move_through_the_page
from tests.trajectory.test_pages import coach, months_back

pytestmark = pytest.mark.django_db

SHARED, PRIVATE = "We agreed on the plan.", "Seems tired lately."


@pytest.mark.parametrize("intruder", ["peer", "other_manager", "outsider", "indirect_report"])
def test_nobody_outside_the_line_sees_a_trajectory(client, request, manager, report, intruder):
    coach(manager, report, "I", "I", "I")
    client.force_login(request.getfixturevalue(intruder))
    timeline = client.get(reverse("coaching:timeline", args=[report.pk]))
    assert timeline.status_code in (403, 404)
    assert "trajectory" not in timeline.content.decode().lower()
    person = client.get(reverse("accounts:person_detail", args=[report.pk]))
    assert "Coaching trajectory" not in person.content.decode()


def test_hr_sees_the_counts_but_no_word_of_a_session(django_app, manager, report, hr):
    CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        held_on=months_back(0),
        note=SHARED,
        private_note=PRIVATE,
    )
    page = django_app.get(reverse("coaching:timeline", args=[report.pk]), user=hr)
    row = page.html.select_one(
        f"[data-testid=trajectory-table] tr[data-month='{months_back(0):%Y-%m}']"
    )
    assert [cell.text.strip() for cell in row.select("td")][:3] == ["0", "1", "0"]
    assert SHARED not in page.text and PRIVATE not in page.text


def test_a_former_manager_counts_the_sessions_of_their_period_only(
    django_app, hr, manager, report, other_manager
):
    coach(manager, report, "I")
    # Rob worked for Maria for months (a shorter row is a correction, not a period).
    Assignment.objects.filter(person=report).update(
        started_at=timezone.now() - dt.timedelta(days=200)
    )
    move_through_the_page(django_app, hr, report, manager_email=other_manager.email)
    report.refresh_from_db()
    assert report.manager == other_manager
    coach(other_manager, report, "EE")

    def counted(viewer):
        page = django_app.get(reverse("coaching:timeline", args=[report.pk]), user=viewer)
        data = json.loads(page.html.find(id=f"trajectory-data-{report.pk}").text)
        return {name: sum(values) for name, values in data["series"].items()}

    assert counted(manager) == {
        "Specific instruction": 1,
        "Directional guidance": 0,
        "Encouragement & promotion": 0,
    }
    assert counted(other_manager)["Encouragement & promotion"] == 2
    assert counted(other_manager)["Specific instruction"] == 1  # the person's history


def _mix_total(django_app, viewer, **params):
    page = django_app.get(reverse("reviews:dashboard"), params, user=viewer)
    rows = page.html.select("[data-testid=coaching-mix] tbody tr")
    return sum(int(row.select("td")[-1].text) for row in rows)


def test_the_dashboards_mix_counts_the_viewers_chain_only(
    django_app, manager, report, indirect_report, other_manager, peer, hr, finance
):
    coach(manager, report, "IG")
    coach(report, indirect_report, "E")
    coach(other_manager, peer, "GGG")
    boss = UserFactory(full_name="Bea Boss")
    manager.manager = boss
    manager.save(update_fields=["manager"])
    coach(boss, manager, "E")  # what the manager received is not her team's coaching
    assert _mix_total(django_app, manager) == 3
    assert _mix_total(django_app, report) == 1
    assert _mix_total(django_app, other_manager) == 3
    assert _mix_total(django_app, hr) == 7
    assert _mix_total(django_app, hr, department=finance.pk) == 3


def test_a_plain_employee_has_no_dashboard(django_app, indirect_report):
    django_app.get(reverse("reviews:dashboard"), user=indirect_report, status=403)
