"""Review lists and the table page cost the same number of queries for 5 as for 50."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from coaching.facts import PerformanceFact
from reviews.models import Inquiry, ReviewTable
from reviews.services import review_tables_generate
from tests.factories import UserFactory, make_objective
from tests.review_tables.conftest import reach

pytestmark = pytest.mark.django_db
Status = ReviewTable.Status


def build(manager, cycle, month, size):
    people = UserFactory.create_batch(size, manager=manager)
    for person in people:
        make_objective(cycle, employee=person, weight=50)
        make_objective(cycle, employee=person, title="Second", weight=50)
    review_tables_generate(cycle=cycle, month=month)
    tables = list(ReviewTable.objects.filter(month=month))
    for table in tables:
        reach(table, Status.SUBMITTED, assessee=table.employee, reviewer=manager)
    return tables


@pytest.mark.parametrize("size", [5, 50])
def test_to_review_queries_do_not_grow(
    client, manager, cycle, month, size, django_assert_max_num_queries
):
    build(manager, cycle, month, size)
    client.force_login(manager)
    # One of them reads the top reviewer (job settings): a constant, not per row.
    # Issue 18: one more, cold, for the menu's upward feedback round to answer.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("reviews:to_review"), {"all": "1"})
    assert response.content.decode().count('data-status="submitted"') == size


@pytest.mark.parametrize("size", [5, 50])
def test_my_tables_and_open_questions_queries_do_not_grow(
    client, report, cycle, month, sales, manager, size, django_assert_max_num_queries
):
    make_objective(cycle, employee=report)
    for index in range(size):
        department = type(sales).objects.create(name=f"Region {index}", parent=sales, head=manager)
        make_objective(cycle, department=department)
    review_tables_generate(cycle=cycle, month=month)
    ReviewTable.objects.filter(department__isnull=False).update(status=Status.IN_REVIEW)
    client.force_login(report)
    # 8: the navigation asks once whether someone who manages nobody sees any
    # improvement plan (issue 16, section 5); it does not grow with the tables.
    with django_assert_max_num_queries(8):
        assert client.get(reverse("reviews:mine")).status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reviews:questions"))
    assert response.content.decode().count('data-status="in_review"') == min(size, 50)


@pytest.mark.parametrize("size", [5, 50])
def test_table_page_queries_do_not_grow_with_rows_and_questions(
    client, report, manager, cycle, month, size, django_assert_max_num_queries
):
    for index in range(size):
        make_objective(cycle, employee=report, title=f"Objective {index}", weight=1)
    review_tables_generate(cycle=cycle, month=month)
    table = ReviewTable.objects.get(employee=report)
    reach(table, Status.IN_REVIEW, assessee=report, reviewer=manager)
    Inquiry.objects.bulk_create(
        Inquiry(table=table, asked_by=manager, question=f"Question {i}") for i in range(size)
    )
    PerformanceFact.objects.bulk_create(
        PerformanceFact(
            employee=report, author=manager, observed_on=month, kind="positive", observed="Fact"
        )
        for _ in range(size)
    )
    for person in (report, manager):
        client.force_login(person)
        # Two of them for the month's performance facts: who reads private ones, and the facts;
        # two for the rows' checkpoints (issue 16 §1): the reader's departments, and the rows'.
        # Issue 18: one more, cold, for the menu's upward feedback round to answer.
        with django_assert_max_num_queries(19):
            response = client.get(reverse("reviews:table_detail", args=[table.pk]))
        assert response.content.decode().count("Question ") >= size


def test_seed_demo_leaves_tables_in_every_status():
    call_command("seed_demo")
    statuses = set(ReviewTable.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in Status}
    assert Inquiry.objects.filter(answered_at__isnull=True).exists()


@pytest.mark.parametrize("short_array", [1_000, 0])
def test_to_review_lists_the_same_tables_whichever_form_the_chain_takes(
    client, manager, cycle, month, short_array, monkeypatch
):
    """A chain of up to ``SHORT_ARRAY`` people filters as ``= ANY(array)`` (index scans
    ORed together), a longer one as a hashed subplan: the manager sees the same tables."""
    monkeypatch.setattr("accounts.id_arrays.SHORT_ARRAY", short_array)
    tables = build(manager, cycle, month, 3)
    grandchild = UserFactory(manager=tables[0].employee)
    make_objective(cycle, employee=grandchild, weight=100)
    review_tables_generate(cycle=cycle, month=month)  # a draft, below a report
    client.force_login(manager)
    page = client.get(reverse("reviews:to_review"), {"all": "1"}).content.decode()
    assert page.count('data-status="submitted"') == 3
    assert page.count('data-status="draft"') == 1
    assert grandchild.full_name in page
    waiting = client.get(reverse("reviews:to_review")).content.decode()
    assert waiting.count('data-status="submitted"') == 3
    assert grandchild.full_name not in waiting
