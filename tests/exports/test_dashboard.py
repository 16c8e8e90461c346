"""The dashboards' filters and coverage list; the home page's team counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession
from plans.models import Objective
from plans.selectors import ProgressState
from reviews.models import ReviewTable
from reviews.services import review_table_for
from tests.factories import DepartmentFactory, UserFactory, make_cycle, make_objective
from tests.webtest_helpers import choose, errors_beside, form_by_testid, press

pytestmark = pytest.mark.django_db


def section(body: str, testid: str) -> str:
    return body.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]


def test_hr_narrows_the_dashboard_to_a_department_and_those_below_it(
    django_app, hr, report, peer, sales
):
    east = DepartmentFactory(name="Sales East", parent=sales)
    eve = UserFactory(full_name="Eve East", department=east, manager=report)
    cycle = make_cycle(2026)
    month = dt.date(2026, 3, 1)
    for person in (report, peer, eve):
        make_objective(cycle, employee=person)
        review_table_for(cycle=cycle, month=month, employee=person)
    ReviewTable.objects.update(deadline=dt.date(2026, 4, 1))  # all late
    page = django_app.get(reverse("reviews:dashboard"), user=hr)
    filters = form_by_testid(page, "dashboard-filters")
    filters["month"] = "2026-03"
    everything = press(filters, "Show")
    assert "Finance" in section(everything.text, "completion")
    assert "Paul Peer" in section(everything.text, "late")

    filters = form_by_testid(everything, "dashboard-filters")
    assert filters["month"].value == "2026-03"  # the filter stays as chosen
    choose(filters, "department", "Sales")
    body = press(filters, "Show").text
    completion = section(body, "completion")
    assert "Sales East" in completion and "Finance" not in completion
    late = section(body, "late")
    assert "Rob Report" in late and "Eve East" in late and "Paul Peer" not in late
    assert f"department={sales.pk}" in body  # the export link keeps the filter


def test_a_bad_month_gets_a_message_beside_it(django_app, hr):
    # Browsers without a month picker show a plain text box: "March" can be typed.
    page = django_app.get(reverse("reviews:dashboard"), user=hr)
    filters = form_by_testid(page, "dashboard-filters")
    filters["month"] = "March"
    refused = press(filters, "Show")
    assert refused.status_code == 200
    assert errors_beside(refused, "month") == ["Choose a month like 2026-03."]
    assert form_by_testid(refused, "dashboard-filters")["month"].value == "March"


def test_an_unknown_department_gets_a_message_beside_it(client, hr):
    # An attack: the page offers only existing departments.
    client.force_login(hr)
    response = client.get(reverse("reviews:dashboard"), {"department": "99999"})
    assert response.status_code == 200
    filters = response.content.decode().split('data-testid="dashboard-filters"', 1)[1]
    filters = filters.split("</form>", 1)[0]
    assert "Select a valid choice." in filters


def test_coverage_lists_the_least_coached_managers_first_twenty_at_a_time(client, hr):
    today = timezone.localdate()
    busy = []
    for n in range(22):
        boss = UserFactory(full_name=f"Boss {n:02d}")
        report = UserFactory(manager=boss)
        if n:  # Boss 00 has never coached anyone
            busy.append(boss)
            CoachingSession.objects.create(
                coach=boss, employee=report, type="guidance", held_on=today - dt.timedelta(days=n)
            )
    client.force_login(hr)
    body = client.get(reverse("reviews:dashboard")).content.decode()
    coverage = section(body, "coverage")
    names = [line.split("<td>", 1)[1].split("<", 1)[0] for line in coverage.split("<tr")[2:]]
    assert names[:3] == ["Boss 00", "Boss 21", "Boss 20"]  # never, then longest ago
    assert len(names) == 20
    summary = body.split('data-testid="coverage-summary"', 1)[1].split("</p>", 1)[0]
    assert "1 of 22 managers have held no session in the last 30 days" in summary

    second = client.get(reverse("reviews:dashboard"), {"page": 2}).content.decode()
    assert "Boss 01" in section(second, "coverage") and "Boss 00" not in section(second, "coverage")


def test_home_counts_reports_whose_objectives_lag_and_lists_their_action_items(
    client, manager, report, indirect_report
):
    cycle = make_cycle(timezone.localdate().year)
    make_objective(cycle, employee=report, title="Behind")
    make_objective(cycle, employee=report, title="Also behind")
    make_objective(cycle, employee=indirect_report, title="Not a direct report's")
    Objective.objects.filter(cycle=cycle).update(progress_state=ProgressState.LAGGING)
    session = CoachingSession.objects.create(coach=manager, employee=report, type="instruction")
    ActionItem.objects.create(session=session, title="Call the three open leads", owner=report)
    client.force_login(manager)
    body = client.get(reverse("home")).content.decode()
    assert "1 direct report lagging the plan" in body  # one person, two objectives
    client.force_login(report)
    assert "Call the three open leads" in client.get(reverse("home")).content.decode()


def test_late_means_open_tables_of_open_cycles_past_their_deadline(
    django_app, hr, manager, report, indirect_report, peer, sales
):
    """Not a table of a closed cycle (one an old close left open), nor one withdrawn,
    finalised or of somebody who has left: on the dashboard, the home page and the lists."""
    this_year, last_year = make_cycle(2026), make_cycle(2025)
    gone = UserFactory(full_name="Gina Gone", department=sales, manager=manager)
    for person in (report, indirect_report, peer, gone):
        make_objective(this_year, employee=person)
        make_objective(last_year, employee=person)
    march = dt.date(2026, 3, 1)
    ivys = review_table_for(cycle=this_year, month=march, employee=indirect_report)
    pauls = review_table_for(cycle=this_year, month=march, employee=peer)
    robs = review_table_for(cycle=this_year, month=march, employee=report)
    ginas = review_table_for(cycle=this_year, month=march, employee=gone)
    november = dt.date(2025, 11, 1)
    robs_old = review_table_for(cycle=last_year, month=november, employee=report)
    ivys_old = review_table_for(cycle=last_year, month=november, employee=indirect_report)
    ReviewTable.objects.filter(pk=pauls.pk).update(status=ReviewTable.Status.WITHDRAWN)
    ReviewTable.objects.filter(pk=robs.pk).update(status=ReviewTable.Status.FINALISED)
    ReviewTable.objects.filter(pk=ivys_old.pk).update(
        status=ReviewTable.Status.SUBMITTED, reviewer=report
    )
    gone.is_active = False  # left before off-boarding withdrew open tables
    gone.save(update_fields=["is_active"])
    last_year.state = "closed"  # an old close that left its tables open
    last_year.save(update_fields=["state"])
    assert all(t.deadline < timezone.localdate() for t in (ivys, pauls, robs, ginas, robs_old))

    page = django_app.get(reverse("reviews:dashboard") + "?month=2026-03", user=hr)
    late = page.html.select_one("[data-testid=late]")
    assert [a.get_text() for a in late.select("tbody a")] == ["Ivy Indirect"]
    heading = next(h for h in page.html.select("h2") if "Late tables" in h.get_text())
    assert heading.select_one(".badge").get_text() == "1"
    rows = {
        tr.td.get_text(): tr.select("td")[-1].get_text()
        for tr in page.html.select("[data-testid=completion] tbody tr")
    }
    assert rows == {"Finance": "0", "Sales": "1"}
    last_november = django_app.get(reverse("reviews:dashboard") + "?month=2025-11", user=hr)
    late = last_november.html.select_one("[data-testid=late]")
    assert [a.get_text() for a in late.select("tbody a")] == ["Ivy Indirect"]
    assert all(
        tr.select("td")[-1].get_text() == "0"
        for tr in last_november.html.select("[data-testid=completion] tbody tr")
    )

    # Rob's November table of the closed cycle is nothing to fill, and not overdue.
    home = django_app.get(reverse("home"), user=report)
    assert home.html.select_one("[data-testid=open-tables]").get_text(strip=True) == (
        "Nothing to fill now."
    )
    assert "1 table waiting for your review" not in home.text  # Ivy's, of the closed cycle
    assert "0 tables waiting for your review" in home.text
    mine = django_app.get(reverse("reviews:mine"), user=report)
    assert "overdue" not in mine.html.select_one("table").get_text()
    assert not mine.html.select("tr.table-danger")


def test_late_badge_counts_every_late_table_beyond_the_fifty_listed(django_app, hr, sales):
    """The list shows the first fifty late tables; its badge counts them all (the count
    comes with the list's query, before its limit)."""
    cycle = make_cycle(2026)
    for index in range(26):
        person = UserFactory(full_name=f"Late {index:02}", department=sales)
        make_objective(cycle, employee=person)
        for month in (dt.date(2026, 3, 1), dt.date(2026, 4, 1)):
            review_table_for(cycle=cycle, month=month, employee=person)
    ReviewTable.objects.update(deadline=dt.date(2026, 5, 1))  # all 52 late
    page = django_app.get(reverse("reviews:dashboard"), user=hr)
    heading = next(h for h in page.html.select("h2") if "Late tables" in h.get_text())
    assert heading.select_one(".badge").get_text() == "52"
    assert len(page.html.select("[data-testid=late] tbody tr")) == 50
    ReviewTable.objects.update(status=ReviewTable.Status.FINALISED)
    page = django_app.get(reverse("reviews:dashboard"), user=hr)
    heading = next(h for h in page.html.select("h2") if "Late tables" in h.get_text())
    assert heading.select_one(".badge").get_text() == "0"
    assert "Nobody is late." in page.html.select_one("[data-testid=late]").get_text()
