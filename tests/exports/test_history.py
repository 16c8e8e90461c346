"""Reports tell who was where *then* (issue 15, section 1).

Rob finalises his October table in Sales East under Erin; on 2 November HR moves
him to Sales West under Wes (and Zoe the other way). Every export, dashboard and
list then places October under Sales East and Erin, November under Sales West
and Wes. Amy stays in Sales East throughout; Dana heads Sales above both.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from coaching.models import CoachingSession
from reviews.lifecycle import person_move
from reviews.models import ReviewTable
from reviews.services import review_tables_generate
from tests.factories import DepartmentFactory, UserFactory, make_cycle, make_objective
from tests.webtest_helpers import choose, form_by_testid, messages, press

pytestmark = pytest.mark.django_db
OCTOBER, NOVEMBER = dt.date(2026, 10, 1), dt.date(2026, 11, 1)
FORMATS = {"xlsx": "XLSX (Excel)", "csv": "CSV"}


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)


def _finalise(month: dt.date) -> None:
    # Set-up, not the behaviour under test: the workflow has its own tests.
    ReviewTable.objects.filter(month=month).update(
        status=ReviewTable.Status.FINALISED, finalised_at=_at(month.replace(day=28))
    )


@pytest.fixture
def people(db) -> dict[str, User]:
    sales = DepartmentFactory(name="Sales")
    east = DepartmentFactory(name="Sales East", parent=sales)
    west = DepartmentFactory(name="Sales West", parent=sales)
    dana = UserFactory(full_name="Dana Director", email="dana@example.com", department=sales)
    erin = UserFactory(
        full_name="Erin East", email="erin@example.com", department=east, manager=dana
    )
    wes = UserFactory(full_name="Wes West", email="wes@example.com", department=west, manager=dana)
    for department, head in ((sales, dana), (east, erin), (west, wes)):
        department.head = head
        department.save(update_fields=["head"])
    return {
        "dana": dana,
        "erin": erin,
        "wes": wes,
        "rob": UserFactory(full_name="Rob Mover", department=east, manager=erin),
        "zoe": UserFactory(full_name="Zoe Mover", department=west, manager=wes),
        "amy": UserFactory(full_name="Amy Stays", department=east, manager=erin),
    }


def _move_as_hr(django_app, hr: User, person: User, manager: User, department: str) -> None:
    """HR opens the person's Move page, names the new manager and department, presses Move."""
    page = django_app.get(reverse("reviews:person_move", args=[person.pk]), user=hr)
    form = form_by_testid(page, "move-form")
    form["manager"] = manager.email
    choose(form, "department", department)
    after = press(form, "Move").follow()
    assert messages(after)[0].startswith(f"{person.full_name} has moved.")


@pytest.fixture
def history(django_app, hr, people, time_machine):
    """October's tables finalised; the moves on 2 November; November's tables made after.

    The tests then run on 20 November.
    """
    time_machine.move_to(_at(dt.date(2026, 10, 5)), tick=False)
    cycle = make_cycle(2026)
    subjects = [people[name] for name in ("rob", "zoe", "amy")]
    for person in subjects:
        make_objective(cycle, employee=person, title=f"Orders of {person.full_name}")
    employee_ids = [person.pk for person in subjects]
    review_tables_generate(cycle=cycle, month=OCTOBER, employee_ids=employee_ids)
    _finalise(OCTOBER)
    CoachingSession.objects.create(
        coach=people["erin"],
        employee=people["rob"],
        type="guidance",
        held_on=dt.date(2026, 10, 25),
    )

    time_machine.move_to(_at(dt.date(2026, 11, 2)), tick=False)
    _move_as_hr(django_app, hr, people["rob"], people["wes"], "Sales West")
    _move_as_hr(django_app, hr, people["zoe"], people["erin"], "Sales East")
    review_tables_generate(cycle=cycle, month=NOVEMBER, employee_ids=employee_ids)
    time_machine.move_to(_at(dt.date(2026, 11, 20)), tick=False)
    return people


def export(django_app, user, *, month_to="2026-11", fmt="xlsx", department=None):
    """Open Reviews → Export review tables from the home page, October to ``month_to``."""
    page = django_app.get(reverse("home"), user=user).click(description="Export review tables")
    form = form_by_testid(page, "export-form")
    form["month_from"] = "2026-10"
    form["month_to"] = month_to
    choose(form, "format", FORMATS[fmt])
    if department:
        choose(form, "department", department)
    return press(form, "Export")


def sheet_records(content: bytes, sheet: str = "Rows") -> list[dict[str, object]]:
    rows = load_workbook(io.BytesIO(content))[sheet].iter_rows(values_only=True)
    header = next(rows)
    return [dict(zip(map(str, header), row, strict=True)) for row in rows]


def who_when(records: list[dict[str, object]]) -> set[tuple[object, str]]:
    def month(value: object) -> str:
        return value.strftime("%Y-%m") if isinstance(value, dt.date) else str(value)[:7]

    return {(record["Subject"], month(record["Month"])) for record in records}


def completion(django_app, user, month: str, department: str | None = None) -> dict[str, int]:
    """The dashboard's completion table for ``month``: tables per department, as shown."""
    page = django_app.get(reverse("reviews:dashboard"), user=user)
    filters = form_by_testid(page, "dashboard-filters")
    filters["month"] = month
    if department:
        choose(filters, "department", department)
    shown = press(filters, "Show")
    counts = {}
    for row in shown.html.select('[data-testid="completion"] tbody tr'):
        cells = [cell.get_text(strip=True) for cell in row.find_all("td")]
        # department, draft, in review, returned, finalised, finalised without a
        # conversation (already among the finalised), late
        if len(cells) == 7:
            counts[cells[0]] = sum(int(cell) for cell in cells[1:5])
    return counts


# --- Exports ---------------------------------------------------------------------------


def test_hrs_export_places_each_month_under_the_department_and_manager_of_the_time(
    django_app, hr, history
):
    rows = sheet_records(export(django_app, hr).body)
    robs = {
        record["Month"].strftime("%Y-%m"): (record["Department"], record["Manager"])
        for record in rows
        if record["Subject"] == "Rob Mover"
    }
    assert robs == {"2026-10": ("Sales East", "Erin East"), "2026-11": ("Sales West", "Wes West")}
    tables = sheet_records(export(django_app, hr).body, "Tables")
    zoes = {
        (t["Month"].strftime("%Y-%m"), t["Department"])
        for t in tables
        if t["Subject"] == "Zoe Mover"
    }
    assert zoes == {("2026-10", "Sales West"), ("2026-11", "Sales East")}

    lines = list(
        csv.DictReader(io.StringIO(export(django_app, hr, fmt="csv").body.decode("utf-8-sig")))
    )
    assert {
        (line["Month"], line["Department"], line["Manager"])
        for line in lines
        if line["Subject"] == "Rob Mover"
    } == {("2026-10", "Sales East", "Erin East"), ("2026-11", "Sales West", "Wes West")}


def test_a_department_filter_over_several_months_gives_who_was_in_it_each_month(
    django_app, hr, history
):
    east = who_when(sheet_records(export(django_app, hr, department="Sales East").body))
    assert east == {
        ("Amy Stays", "2026-10"),
        ("Rob Mover", "2026-10"),
        ("Amy Stays", "2026-11"),
        ("Zoe Mover", "2026-11"),
    }
    west = who_when(sheet_records(export(django_app, hr, department="Sales West").body))
    assert west == {("Zoe Mover", "2026-10"), ("Rob Mover", "2026-11")}
    # The parent department takes both, each month once.
    assert len(sheet_records(export(django_app, hr, department="Sales").body)) == 6


def test_the_old_manager_exports_october_and_not_november(django_app, history):
    mine = who_when(sheet_records(export(django_app, history["erin"]).body))
    assert mine == {
        ("Amy Stays", "2026-10"),
        ("Rob Mover", "2026-10"),
        ("Amy Stays", "2026-11"),
        ("Zoe Mover", "2026-11"),
    }


def test_the_new_manager_exports_november_and_not_the_history_before_them(django_app, history):
    assert who_when(sheet_records(export(django_app, history["wes"]).body)) == {
        ("Zoe Mover", "2026-10"),
        ("Rob Mover", "2026-11"),
    }
    # Dana, above both, has every month of everyone.
    assert len(sheet_records(export(django_app, history["dana"]).body)) == 6


# --- Dashboard ---------------------------------------------------------------------------


def test_hrs_dashboard_counts_october_under_sales_east_and_november_under_sales_west(
    django_app, hr, history
):
    # Zoe's October (in Sales West, under Wes) went back to her and is late.
    ReviewTable.objects.filter(employee=history["zoe"], month=OCTOBER).update(
        status=ReviewTable.Status.RETURNED
    )
    page = django_app.get(reverse("reviews:dashboard"), user=hr)
    filters = form_by_testid(page, "dashboard-filters")
    filters["month"] = "2026-10"
    october = press(filters, "Show")
    rows = {
        cells[0]: cells[1:]
        for cells in (
            [cell.get_text(strip=True) for cell in row.find_all("td")]
            for row in october.html.select('[data-testid="completion"] tbody tr')
        )
    }
    # draft, in review, returned, finalised, finalised without a conversation, late
    assert rows == {
        "Sales East": ["0", "0", "0", "2", "2", "0"],
        "Sales West": ["0", "0", "1", "0", "0", "1"],
    }
    late = [
        [cell.get_text(strip=True) for cell in row.find_all("td")]
        for row in october.html.select('[data-testid="late"] tbody tr')
    ]
    assert [(row[0], row[3]) for row in late] == [("Zoe Mover", "Wes West")]  # manager then

    assert completion(django_app, hr, "2026-11") == {"Sales East": 2, "Sales West": 1}
    assert completion(django_app, hr, "2026-10", "Sales West") == {"Sales West": 1}
    assert completion(django_app, hr, "2026-11", "Sales West") == {"Sales West": 1}


def test_each_managers_dashboard_covers_the_months_they_managed(django_app, history):
    erin, wes, dana = history["erin"], history["wes"], history["dana"]
    # Erin had Rob and Amy in October; Amy and Zoe in November.
    assert completion(django_app, erin, "2026-10") == {"Sales East": 2}
    assert completion(django_app, erin, "2026-11") == {"Sales East": 2}
    # Wes had Zoe in October and Rob in November.
    assert completion(django_app, wes, "2026-10") == {"Sales West": 1}
    assert completion(django_app, wes, "2026-11") == {"Sales West": 1}
    assert completion(django_app, dana, "2026-10") == {"Sales East": 2, "Sales West": 1}


def test_coaching_before_the_move_stays_with_the_coach_of_the_time(django_app, hr, history):
    page = django_app.get(reverse("reviews:dashboard"), user=hr)
    coverage = {
        row.td.get_text(strip=True): [cell.get_text(strip=True) for cell in row.find_all("td")]
        for row in page.html.select('[data-testid="coverage"] tbody tr')
    }
    assert coverage["Erin East"][3] == "26"  # days since her session with Rob on 25 October
    assert coverage["Wes West"][3] == "—"


def test_the_new_manager_reads_the_history_the_old_one_keeps_only_her_months(django_app, history):
    """Reading follows the person, counting follows the month (README, Exports and dashboards)."""
    rob = history["rob"]
    october = ReviewTable.objects.get(employee=rob, month=OCTOBER)
    november = ReviewTable.objects.get(employee=rob, month=NOVEMBER)
    page = django_app.get(october.get_absolute_url(), user=history["wes"])
    assert "then in Sales East" in page.html.select_one('[data-testid="reviewer"]').get_text()
    everything = django_app.get(reverse("reviews:to_review"), {"all": "1"}, user=history["wes"])
    robs = {
        row.a.get_text(strip=True): row.get_text(" ", strip=True)
        for row in everything.html.select('[data-testid="review-tables"] tbody tr')
        if "Rob Mover" in row.get_text()
    }
    assert "Rob Mover · then in Sales East" in robs["October 2026"]
    assert "then in" not in robs["November 2026"]

    assert django_app.get(october.get_absolute_url(), user=history["erin"]).status_code == 200
    assert (
        django_app.get(
            november.get_absolute_url(), user=history["erin"], expect_errors=True
        ).status_code
        == 404
    )


def test_the_person_sees_where_each_of_their_tables_was_made(django_app, history):
    page = django_app.get(reverse("reviews:mine"), user=history["rob"])
    rows = [
        row.get_text(" ", strip=True)
        for row in page.html.select('[data-testid="review-tables"] tbody tr')
    ]
    assert [("then in Sales East" in row) for row in rows] == [False, True]  # newest first


@pytest.mark.parametrize("size", [2, 20])
def test_history_adds_no_query_per_row(
    client, hr, people, size, django_assert_max_num_queries, time_machine
):
    """Many people moved between the months: the dashboard and the export stay flat."""
    time_machine.move_to(_at(dt.date(2026, 11, 20)), tick=False)
    cycle = make_cycle(2026)
    erin, wes = people["erin"], people["wes"]
    movers = UserFactory.create_batch(size, manager=erin, department=erin.department)
    for person in movers:
        make_objective(cycle, employee=person)
    ids = [person.pk for person in movers]
    review_tables_generate(cycle=cycle, month=OCTOBER, employee_ids=ids)
    for person in movers:
        person_move(person=person, manager=wes, department=wes.department, by=hr)
    review_tables_generate(cycle=cycle, month=NOVEMBER, employee_ids=ids)
    for user in (hr, erin, wes):
        client.force_login(user)
        with django_assert_max_num_queries(20):
            response = client.get(reverse("reviews:dashboard"), {"month": "2026-10"})
        assert response.status_code == 200
        with django_assert_max_num_queries(12):
            response = client.get(
                reverse("reviews:export"),
                {"month_from": "2026-10", "month_to": "2026-11", "format": "xlsx"},
            )
        assert response.status_code == 200
        with django_assert_max_num_queries(12):
            response = client.get(reverse("reviews:to_review"), {"all": "1"})
        assert response.status_code == 200
