"""Creating a month's tables: exactly one per subject and month, ever."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from plans.months import first_of_next_month as next_month
from reviews.models import ReviewRow, ReviewTable, WorkPlanItem
from reviews.services import review_table_for, review_tables_generate
from tests.factories import UserFactory, make_objective
from tests.review_tables.conftest import submit

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_table_for_the_same_month(table):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewTable.objects.create(
            cycle=table.cycle, employee=table.employee, month=table.month, deadline=table.deadline
        )


def test_rows_carry_the_months_target_and_the_latest_check_in(table):
    orders = table.rows.get(title="Orders won")
    quality = table.rows.get(title="Quality score")
    assert orders.planned == Decimal(30)  # 120 over 12 months, cumulative to March
    assert orders.actual == Decimal(25)
    assert orders.completion == 83 and orders.has_gap
    assert quality.actual is None and quality.measure == "percent"


def test_generating_twice_creates_nothing_the_second_time(cycle, month, table, manager):
    again = review_tables_generate(cycle=cycle, month=month)
    assert (again.tables_created, again.rows_created, again.items_carried) == (0, 0, 0)
    assert ReviewTable.objects.count() == 1 and ReviewRow.objects.count() == 2


def test_a_submitted_table_is_not_rewritten_by_a_rerun(cycle, month, table, report):
    submit(table, report)
    make_objective(cycle, employee=report, title="Added later", weight=0)
    review_tables_generate(cycle=cycle, month=month)
    assert not table.rows.filter(title="Added later").exists()


def test_next_months_table_starts_from_last_months_plan_once(cycle, month, table, report):
    WorkPlanItem.objects.create(table=table, title="Call ten customers", target="10 calls")
    following = review_table_for(cycle=cycle, month=next_month(month), employee=report)
    review_tables_generate(cycle=cycle, month=next_month(month))
    carried = following.work_items.filter(kind=WorkPlanItem.Kind.CARRIED)
    assert [(i.title, i.target) for i in carried] == [("Call ten customers", "10 calls")]


def test_everyone_with_objectives_gets_a_table(cycle, month, report, sales, manager):
    others = UserFactory.create_batch(3)
    for person in others:
        make_objective(cycle, employee=person)
    make_objective(cycle, department=sales, title="Department goal")
    result = review_tables_generate(cycle=cycle, month=month)
    assert result.tables_created == 4
    assert ReviewTable.objects.filter(department=sales).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_make_exactly_one_table_per_subject(cycle, month):
    people = UserFactory.create_batch(30)
    for person in people:
        make_objective(cycle, employee=person)
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait()
            review_tables_generate(cycle=cycle, month=month, batch_size=7)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert ReviewTable.objects.filter(month=month).count() == 30
    assert ReviewRow.objects.count() == 30
