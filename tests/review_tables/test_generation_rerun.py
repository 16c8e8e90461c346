"""A generation re-run that has nothing to do costs a few queries, however large the
organisation (issue 21 §5), and still finds whatever appeared since the first run."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Objective
from plans.months import first_of_next_month as next_month
from reviews.models import ReviewRow, ReviewTable, WorkPlanItem
from reviews.services import review_table_for, review_tables_generate
from tests.factories import DepartmentFactory, UserFactory, make_objective
from tests.review_tables.conftest import submit

pytestmark = pytest.mark.django_db

# Validation, then two anti-joins for people and two for departments; nothing else.
NOOP_QUERIES = 4


def _rerun_queries(cycle, month) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = review_tables_generate(cycle=cycle, month=month)
    return len(captured.captured_queries), result


def _organisation(cycle, people: int, departments: int) -> None:
    for person in UserFactory.create_batch(people):
        make_objective(cycle, employee=person, title="Calls made", weight=60)
        make_objective(cycle, employee=person, title="Visits", weight=40)
    for department in DepartmentFactory.create_batch(departments):
        make_objective(cycle, department=department, title="Revenue")


@pytest.mark.parametrize(("people", "departments"), [(2, 1), (30, 6)])
def test_a_rerun_with_nothing_to_do_makes_the_same_few_queries_at_any_size(
    cycle, month, people, departments
):
    _organisation(cycle, people, departments)
    first = review_tables_generate(cycle=cycle, month=month)
    assert first.tables_created == people + departments
    queries, again = _rerun_queries(cycle, month)
    assert queries <= NOOP_QUERIES
    assert (again.tables_created, again.rows_created, again.items_carried) == (0, 0, 0)


def test_a_person_given_objectives_after_the_first_run_gets_a_table_on_the_rerun(cycle, month):
    _organisation(cycle, 3, 1)
    review_tables_generate(cycle=cycle, month=month)
    newcomer = UserFactory(full_name="Nina Newcomer")
    make_objective(cycle, employee=newcomer, title="Learn the product")
    again = review_tables_generate(cycle=cycle, month=month)
    assert (again.tables_created, again.rows_created) == (1, 1)
    table = ReviewTable.objects.get(employee=newcomer, month=month)
    assert [row.title for row in table.rows.all()] == ["Learn the product"]
    assert _rerun_queries(cycle, month)[0] <= NOOP_QUERIES  # and then nothing more


def test_an_objective_added_after_the_first_run_gets_its_row_on_the_rerun(
    cycle, month, table, report
):
    make_objective(cycle, employee=report, title="Added later", weight=0)
    again = review_tables_generate(cycle=cycle, month=month)
    assert (again.tables_created, again.rows_created) == (0, 1)
    assert table.rows.filter(title="Added later").count() == 1
    assert ReviewRow.objects.count() == 3  # the two of the first run, unchanged


def test_a_department_objective_added_later_gets_its_row_on_the_rerun(cycle, month, sales_table):
    make_objective(cycle, department=sales_table.department, title="Margin", weight=0)
    again = review_tables_generate(cycle=cycle, month=month)
    assert again.rows_created == 1
    assert sales_table.rows.filter(title="Margin").exists()


def test_a_dropped_objective_or_a_submitted_table_gives_the_rerun_nothing_to_do(
    cycle, month, table, report
):
    make_objective(cycle, employee=report, title="Dropped", status=Objective.Status.DROPPED)
    assert _rerun_queries(cycle, month)[0] <= NOOP_QUERIES
    submit(table, report)
    make_objective(cycle, employee=report, title="Added after submitting", weight=0)
    queries, again = _rerun_queries(cycle, month)
    assert queries <= NOOP_QUERIES and again.rows_created == 0


def test_a_plan_line_added_to_last_month_after_the_run_is_carried_on_the_rerun(
    cycle, month, table, report
):
    following = review_table_for(cycle=cycle, month=next_month(month), employee=report)
    WorkPlanItem.objects.create(table=table, title="Call ten customers", target="10 calls")
    again = review_tables_generate(cycle=cycle, month=next_month(month))
    assert (again.tables_created, again.items_carried) == (0, 1)
    carried = following.work_items.filter(kind=WorkPlanItem.Kind.CARRIED)
    assert [item.title for item in carried] == ["Call ten customers"]
    assert _rerun_queries(cycle, next_month(month))[0] <= NOOP_QUERIES
