"""HR's page of every review table (issue 20 §3): filtered, paged, exports of the same
filter, HR only, a flat number of queries, and no 5xx whatever the filters say."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reviews.models import ReviewTable
from reviews.services import review_table_for
from tests.factories import DepartmentFactory, UserFactory, make_cycle, make_objective
from tests.webtest_helpers import choose, errors_beside, form_by_testid, press

pytestmark = pytest.mark.django_db
FEBRUARY, MARCH = dt.date(2026, 2, 1), dt.date(2026, 3, 1)


@pytest.fixture
def organisation(db, report, peer, manager, sales):
    """Rob (Sales) in February and March, Erin (East, below Sales) and Paul (Finance) in
    March; Rob's March table is late."""
    east = DepartmentFactory(name="East", parent=sales)
    erin = UserFactory(full_name="Erin East", department=east, manager=manager)
    cycle = make_cycle(2026)
    for person in (report, peer, erin):
        make_objective(cycle, employee=person, title=f"Goal of {person.full_name}")
    review_table_for(cycle=cycle, month=FEBRUARY, employee=report)
    for person in (report, peer, erin):
        review_table_for(cycle=cycle, month=MARCH, employee=person)
    ReviewTable.objects.update(deadline=timezone.localdate() + dt.timedelta(days=30))
    ReviewTable.objects.filter(employee=report, month=MARCH).update(deadline=dt.date(2026, 4, 2))
    ReviewTable.objects.filter(employee=peer).update(status=ReviewTable.Status.SUBMITTED)
    return cycle


def listed(page) -> list[str]:
    rows = page.html.find(attrs={"data-testid": "table-index"}).find("tbody").find_all("tr")
    return sorted(row.find_all("td")[1].get_text(" ", strip=True) for row in rows)


def open_page(django_app, hr):
    """HR finds the page in the navigation: HR → All review tables."""
    home = django_app.get(reverse("home"), user=hr)
    return home.click(description="All review tables")


def test_hr_filters_every_table_by_month_and_department_with_the_ones_below(
    django_app, hr, organisation
):
    page = open_page(django_app, hr)
    assert listed(page) == ["Erin East", "Paul Peer", "Rob Report", "Rob Report"]
    form = form_by_testid(page, "table-index-filters")
    form["month"] = "2026-03"
    choose(form, "department", "Sales")
    shown = press(form, "Filter")
    assert listed(shown) == ["Erin East", "Rob Report"]  # East is below Sales
    assert "2 tables" in shown.html.find(attrs={"data-testid": "table-index-count"}).text
    table = shown.click(description="March 2026", index=0)
    assert table.status_code == 200


def test_hr_filters_by_state_and_late_and_exports_exactly_the_listed_tables(
    django_app, hr, organisation
):
    form = form_by_testid(open_page(django_app, hr), "table-index-filters")
    form["late"] = True
    late = press(form, "Filter")
    assert listed(late) == ["Rob Report"]
    workbook = load_workbook(io.BytesIO(late.click(description="Export these as XLSX").body))
    rows = list(workbook["Tables"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], f"{row[4]:%Y-%m}") for row in rows] == [("Rob Report", "2026-03")]
    form = form_by_testid(late, "table-index-filters")
    form["late"] = False
    choose(form, "status", "Submitted")
    submitted = press(form, "Filter")
    assert listed(submitted) == ["Paul Peer"]
    response = submitted.click(description="Export these as CSV")
    assert (
        'filename="review-tables_2026-03_submitted.csv"' in response.headers["Content-Disposition"]
    )
    text = response.body.decode("utf-8-sig")
    assert {line["Subject"] for line in csv.DictReader(io.StringIO(text))} == {"Paul Peer"}


def test_without_a_month_the_export_covers_the_listed_months(django_app, hr, organisation):
    form = form_by_testid(open_page(django_app, hr), "table-index-filters")
    choose(form, "cycle", organisation.name)
    response = press(form, "Filter").click(description="Export these as XLSX")
    assert "review-tables_2026-02_to_2026-03_2026.xlsx" in response.headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.body))["Tables"].max_row == 5  # header + 4


def test_the_list_is_paged(django_app, hr, organisation, monkeypatch):
    monkeypatch.setattr("reviews.views.table_index.PER_PAGE", 3)
    first = open_page(django_app, hr)
    second = first.click(description="Next")
    assert len(listed(first)) == 3 and len(listed(second)) == 1


@pytest.mark.parametrize("person", ["manager", "report", "outsider"])
def test_only_hr_opens_the_page(client, request, person, organisation):
    client.force_login(request.getfixturevalue(person))
    assert reverse("reviews:table_index") not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("reviews:table_index")).status_code == 403  # an attack


@pytest.mark.parametrize(
    "query",
    [
        {"month": "2026-13"},
        {"month": "garbage", "page": "zz"},
        {"department": "99999999999999999999"},
        {"cycle": "abc", "status": "nonsense", "late": "maybe"},
        {"page": "-1"},
        {"month": "9999-01"},
    ],
)
def test_bad_filter_values_get_a_message_not_a_5xx(client, hr, organisation, query):
    client.force_login(hr)
    response = client.get(reverse("reviews:table_index"), query)  # an attack: by hand
    assert response.status_code == 200


def test_a_bad_month_is_named_beside_its_field(django_app, hr, organisation):
    page = django_app.get(reverse("reviews:table_index"), {"month": "2026-13"}, user=hr)
    assert errors_beside(page, "month") == ["Choose a month like 2026-03."]
    assert len(listed(page)) == 4  # the other filters (none) still apply


@pytest.mark.parametrize("size", [3, 30])
def test_queries_do_not_grow_with_the_tables(
    client, hr, sales, size, django_assert_max_num_queries
):
    cycle = make_cycle(2026)
    for person in UserFactory.create_batch(size, department=sales):
        make_objective(cycle, employee=person)
        review_table_for(cycle=cycle, month=MARCH, employee=person)
    client.force_login(hr)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reviews:table_index"), {"department": sales.pk})
    assert response.status_code == 200
    assert response.content.decode().count('href="/reviews/') >= size
