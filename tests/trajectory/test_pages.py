"""The trajectory as people see it: on the timeline (chart and table), on the person's
page, in the coaching overview's "stuck" filter and on the dashboard's coaching mix."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from coaching.models import CoachingSession
from plans.months import first_of_previous_month, month_start
from tests.factories import UserFactory, check_in, make_cycle, make_objective
from tests.webtest_helpers import errors_beside, form_with_button, press, tick

pytestmark = pytest.mark.django_db

STUCK = "Stuck: 3+ months of instruction"


def months_back(n: int) -> dt.date:
    """The first day of the month ``n`` months before this one."""
    month = month_start(timezone.localdate())
    for _step in range(n):
        month = first_of_previous_month(month)
    return month


def coach(manager: User, person: User, *history: str) -> None:
    """Sessions by month, oldest first, the last this month: "IG" is one instruction
    and one guidance session."""
    kinds = {"I": "instruction", "G": "guidance", "E": "encouragement"}
    for back, letters in enumerate(reversed(history)):
        for letter in letters:
            CoachingSession.objects.create(
                coach=manager, employee=person, type=kinds[letter], held_on=months_back(back)
            )


def test_the_timeline_shows_the_trajectory_as_a_table_and_a_chart(django_app, manager, report):
    coach(manager, report, "II", "IG", "G", "GE", "E")
    page = django_app.get(reverse("coaching:timeline", args=[report.pk]), user=manager)
    section = page.html.select_one("[data-testid=trajectory]")
    reading = section.select_one("[data-testid=trajectory-reading]")
    assert reading.text.strip() == "Growing towards encouragement"
    rows = {
        row["data-month"]: [cell.text.strip() for cell in row.select("td")]
        for row in section.select("[data-testid=trajectory-table] tbody tr")
    }
    assert len(rows) == 12  # no cycle running: the last twelve months
    assert rows[f"{months_back(4):%Y-%m}"][:4] == ["2", "0", "0", "Specific instruction"]
    assert rows[f"{months_back(3):%Y-%m}"][:4] == ["1", "1", "0", "Specific instruction"]
    assert rows[f"{months_back(1):%Y-%m}"][:4] == ["0", "1", "1", "Directional guidance"]
    assert rows[f"{months_back(0):%Y-%m}"][:4] == ["0", "0", "1", "Encouragement & promotion"]
    assert rows[f"{months_back(5):%Y-%m}"][:4] == ["0", "0", "0", "—"]
    # The chart draws the same numbers, from the page's JSON.
    canvas = section.select_one("canvas[data-trajectory]")
    data = json.loads(page.html.find(id=canvas["data-trajectory"]).text)
    assert data["series"]["Specific instruction"][-5:] == [2, 1, 0, 0, 0]
    assert data["series"]["Encouragement & promotion"][-5:] == [0, 0, 0, 1, 1]


def test_the_timeline_shows_confidence_and_lag_beside_the_sessions(django_app, manager, report):
    today = timezone.localdate()
    cycle = make_cycle(today.year)
    objective = make_objective(cycle, employee=report)
    check_in(objective, 3, on=month_start(today), author=report, confidence=2)
    check_in(objective, 4, on=month_start(today), author=report, confidence=3)
    coach(manager, report, "G")
    page = django_app.get(reverse("coaching:timeline", args=[report.pk]), user=manager)
    row = page.html.select_one(f"[data-testid=trajectory-table] tr[data-month='{today:%Y-%m}']")
    cells = [cell.text.strip() for cell in row.select("td")]
    assert cells[4] == "2.5"  # mean confidence of the month's check-ins
    assert cells[5] == "—"  # this month's node has not passed: no lag yet
    assert len(page.html.select("[data-testid=trajectory-table] tbody tr")) == today.month


def test_a_person_never_coached_sees_an_empty_table_and_no_chart(django_app, report):
    page = django_app.get(reverse("coaching:timeline", args=[report.pk]), user=report)
    section = page.html.select_one("[data-testid=trajectory]")
    assert "Too little coaching to read" in section.text
    assert section.select_one("canvas") is None
    assert len(section.select("[data-testid=trajectory-table] tbody tr")) == 12


def test_the_person_page_shows_the_trajectory(django_app, manager, report, peer):
    coach(manager, report, "G", "I", "II", "I")
    for viewer in (manager, report):
        page = django_app.get(reverse("accounts:person_detail", args=[report.pk]), user=viewer)
        section = page.html.select_one("[data-testid=trajectory]")
        reading = section.select_one("[data-testid=trajectory-reading]")
        assert reading.text == "Stuck needing instruction"
        assert section.select_one("[data-testid=trajectory-table]") is not None
    # A colleague may open the person's page, but not their coaching.
    page = django_app.get(reverse("accounts:person_detail", args=[report.pk]), user=peer)
    assert page.html.select_one("[data-testid=trajectory]") is None


def test_the_overview_filters_the_people_stuck_needing_instruction(django_app, manager):
    stuck = UserFactory(full_name="Stella Stuck", manager=manager)
    growing = UserFactory(full_name="Greg Growing", manager=manager)
    UserFactory(full_name="Nina Never", manager=manager)
    coach(manager, stuck, "G", "I", "II", "IIG")
    coach(manager, growing, "I", "I", "G", "E")
    page = django_app.get(reverse("coaching:overview"), user=manager)
    assert page.html.select("tr[data-person]").__len__() == 3
    row = page.html.select_one(f"tr[data-person='{stuck.pk}'] [data-testid=overview-trajectory]")
    assert row.text.strip() == "Stuck needing instruction"
    filters = form_with_button(page, "Apply")
    tick(filters, STUCK)
    filtered = press(filters, "Apply")
    assert [int(tr["data-person"]) for tr in filtered.html.select("tr[data-person]")] == [stuck.pk]
    assert form_with_button(filtered, "Apply")["stuck"].checked  # the box stays ticked
    filters = form_with_button(filtered, "Apply")
    tick(filters, STUCK, checked=False)
    assert len(press(filters, "Apply").html.select("tr[data-person]")) == 3


def test_nobody_stuck_says_so(django_app, manager, report):
    coach(manager, report, "E", "E", "E")
    page = django_app.get(reverse("coaching:overview"), {"stuck": "1"}, user=manager)
    assert "Nobody is stuck needing instruction." in page.text


@pytest.mark.parametrize("value", ["yes", "2", "1'--", "", "on"])
def test_a_bad_stuck_value_is_ignored_with_a_message(django_app, manager, report, value):
    coach(manager, report, "E")
    page = django_app.get(reverse("coaching:overview"), {"stuck": value}, user=manager)
    assert page.status_code == 200
    assert len(page.html.select("tr[data-person]")) == 1  # the filter does not apply
    if value:
        assert errors_beside(page, "stuck")


def test_the_dashboard_shows_the_coaching_mix_per_month(django_app, manager, report, hr):
    coach(manager, report, "II", "IG", "IGGE")
    page = django_app.get(reverse("reviews:dashboard"), user=hr)
    table = page.html.select_one("[data-testid=coaching-mix]")
    rows = {
        row["data-month"]: [cell.text.strip() for cell in row.select("td")]
        for row in table.select("tbody tr")
    }
    assert len(rows) == 12
    assert rows[f"{months_back(2):%Y-%m}"] == ["100% (2)", "0% (0)", "0% (0)", "2"]
    assert rows[f"{months_back(1):%Y-%m}"] == ["50% (1)", "50% (1)", "0% (0)", "2"]
    assert rows[f"{months_back(0):%Y-%m}"] == ["25% (1)", "50% (2)", "25% (1)", "4"]
    assert rows[f"{months_back(3):%Y-%m}"] == ["—", "—", "—", "0"]
    data = json.loads(page.html.find(id="dashboard-data").text)["mix"]
    assert data["series"]["Directional guidance"][-3:] == [0, 50, 50]
