"""The lists of review tables (mine, to review, open for questions) show each table's
month, who (with the department of the time), status, deadline and open questions; the
rows are built by one tag (``review_tags.table_list_rows``), which must show what the
per-cell template showed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Inquiry, ReviewTable
from tests.factories import UserFactory, make_objective
from tests.review_tables.conftest import reach

pytestmark = pytest.mark.django_db
Status = ReviewTable.Status


def rows(page):
    """Each row: its class, and each cell's data-label, text and links."""
    return [
        (
            " ".join(tr.get("class", [])),
            [
                (
                    td.get("data-label"),
                    " ".join(td.get_text(" ", strip=True).split()),
                    [a["href"] for a in td.find_all("a")],
                )
                for td in tr.find_all("td")
            ],
        )
        for tr in page.html.select('[data-testid="review-tables"] tbody tr')
    ]


def test_to_review_rows_show_month_person_then_in_status_deadline_and_questions(
    django_app, manager, report, finance, cycle, month, table, peer
):
    table = reach(table, Status.SUBMITTED, assessee=report, reviewer=manager)
    today = timezone.localdate()
    ReviewTable.objects.filter(pk=table.pk).update(
        deadline=today + dt.timedelta(days=2), home_department=finance
    )
    Inquiry.objects.create(table=table, asked_by=manager, question="Why?")
    Inquiry.objects.create(table=table, asked_by=peer, question="And?")
    late = ReviewTable.objects.create(
        cycle=cycle,
        employee=UserFactory(full_name="Lee <Late> & Co", manager=manager),
        month=month,
        deadline=today - dt.timedelta(days=3),
    )
    page = django_app.get(reverse("reviews:to_review") + "?all=1", user=manager)
    month_name = month.strftime("%B %Y")
    person_url = reverse("accounts:person_detail", args=[report.pk])
    late_url = reverse("accounts:person_detail", args=[late.employee_id])
    deadline = today + dt.timedelta(days=2)
    overdue = today - dt.timedelta(days=3)
    assert rows(page) == [
        (
            "table-danger",
            [
                ("", month_name, [late.get_absolute_url()]),
                ("Who", "Lee <Late> & Co", [late_url]),
                ("Status", "Draft", []),
                ("Deadline", f"{overdue.day} {overdue:%b %Y} · 3 days overdue", []),
                ("Open questions", "", []),
            ],
        ),
        (
            "",
            [
                ("", month_name, [table.get_absolute_url()]),
                ("Who", "Rob Report · then in Finance", [person_url]),
                ("Status", "Submitted", []),
                ("Deadline", f"{deadline.day} {deadline:%b %Y}", []),
                ("Open questions", "2", []),
            ],
        ),
    ]


def test_my_tables_rows_show_a_headed_departments_table_with_its_badge(
    django_app, manager, sales, cycle, month
):
    make_objective(cycle, department=sales, title="Revenue")
    from reviews.services import review_table_for

    sales_table = review_table_for(cycle=cycle, month=month, department=sales)
    page = django_app.get(reverse("reviews:mine"), user=manager)
    (row,) = rows(page)
    assert row[1][1] == ("Who", "Sales department", [])
    assert row[1][2][:2] == ("Status", "Draft")
    assert row[1][0][2] == [sales_table.get_absolute_url()]


def test_an_empty_list_says_so(django_app, peer):
    page = django_app.get(reverse("reviews:mine"), user=peer)
    assert rows(page) == [("", [(None, "No tables here.", [])])]


def test_a_short_list_costs_no_count_query(django_app, report, table):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = django_app.get(reverse("reviews:mine"), user=report)
    assert len(rows(page)) == 1
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
    assert not [sql for sql in counts if "reviews_reviewtable" in sql]


@pytest.mark.parametrize("number", [None, "", "1", "2", "3", "4", "0", "-1", "x", "1.0"])
@pytest.mark.parametrize("people", [0, 5, 6, 7])
def test_memo_page_gives_the_paginators_page(number, people):
    from django.core.paginator import Paginator

    from accounts.models import User
    from accounts.table_memo import memo_page

    UserFactory.create_batch(people)
    everyone = User.objects.order_by("pk")
    expected = Paginator(everyone, 3).get_page(number)
    page = memo_page(everyone, 3, number)
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (
        expected.number,
        expected.paginator.count,
        expected.paginator.num_pages,
    )
    assert list(page.object_list) == list(expected.object_list)
