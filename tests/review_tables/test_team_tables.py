"""*To review* with everything: a short chain's page read by key (``reviews.team_tables``)
shows the same rows, count and page number as the list's query cut by Django's paginator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.paginator import Paginator
from django.urls import reverse

from accounts.models import Department
from reviews.models import ReviewTable
from reviews.selectors import list_rows, tables_to_review
from reviews.team_tables import team_tables_page
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_tables(manager, report, peer, sales, cycle):
    """Tables over four months in uneven numbers (a page's first and last rows fall in
    different months, and mid-month), of direct and indirect reports, a region below the
    one the manager heads, one reviewed by a report about someone outside the team, two
    people of the same name; and the manager's own and a peer's, which are not listed."""
    grandchild = UserFactory(full_name="Ann Same", manager=report)
    namesake = UserFactory(full_name="Ann Same", manager=manager)
    others = UserFactory.create_batch(3, manager=manager)
    region = Department.objects.create(name="Region North", parent=sales)
    months = [cycle.start_date.replace(month=number) for number in (2, 3, 5, 6)]
    subjects = [
        [report, grandchild, namesake, *others],
        [report, namesake],
        [report, grandchild, namesake, *others[:2]],
        [grandchild, others[0]],
    ]
    for month, people in zip(months, subjects, strict=True):
        for person in people:
            ReviewTable.objects.create(
                cycle=cycle, employee=person, month=month, deadline=month + dt.timedelta(days=40)
            )
        ReviewTable.objects.create(
            cycle=cycle, department=region, month=month, deadline=month + dt.timedelta(days=40)
        )
    for person, reviewer in ((peer, report), (manager, None)):
        ReviewTable.objects.create(
            cycle=cycle, employee=person, month=months[1], deadline=months[1], reviewer=reviewer
        )
    return ReviewTable.objects.count() - 1  # the manager's own


@pytest.mark.parametrize("short_team", [200, 0])
@pytest.mark.parametrize("per_page", [3, 4, 50])
def test_team_tables_page_is_the_lists_page(
    manager, team_tables, short_team, per_page, monkeypatch
):
    monkeypatch.setattr("reviews.team_tables.SHORT_TEAM", short_team)
    rows = list(list_rows(tables_to_review(manager, everything=True)))
    assert len(rows) == team_tables
    paginator = Paginator(rows, per_page)
    for number in [*paginator.page_range, paginator.num_pages + 1, 0, "x", None, "2"]:
        expected = paginator.get_page(number)
        page = team_tables_page(manager, number, per_page)
        assert page.number == expected.number, number
        assert page.paginator.count == team_tables
        assert list(page.object_list) == list(expected.object_list), number


def test_team_tables_page_of_nobodys_manager_is_empty(peer):
    page = team_tables_page(peer, None)
    assert (page.number, page.paginator.count, list(page.object_list)) == (1, 0, [])


def test_to_review_everything_reads_a_short_chain_by_key(
    client, manager, team_tables, django_assert_max_num_queries
):
    client.force_login(manager)
    client.get(reverse("reviews:to_review"), {"all": "1"})
    with django_assert_max_num_queries(20) as captured:
        response = client.get(reverse("reviews:to_review"), {"all": "1"})
    assert response.status_code == 200
    tables = [query["sql"] for query in captured if '"reviews_reviewtable"' in query["sql"]]
    # The keys (no join, no order), then the page's tables by key; no COUNT, no walk.
    assert len(tables) == 2
    assert "JOIN" not in tables[0] and "ORDER BY" not in tables[0]
    assert "COUNT(*)" not in " ".join(tables)


def _rows(response) -> str:
    html: str = response.content.decode()
    return html[html.index("<tbody>") : html.index("</tbody>")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("page_cache_off")
def test_the_kept_team_tables_show_a_new_table_and_a_status_change_at_once(
    client, manager, report, cycle, django_assert_max_num_queries
):
    """Kept (``accounts.table_memo``) while no table it read changes: asked again, the
    team's tables are not read again; a table made or moved on is shown on the next request."""
    month = cycle.start_date.replace(month=3)
    table = ReviewTable.objects.create(
        cycle=cycle, employee=report, month=month, deadline=month + dt.timedelta(days=40)
    )
    client.force_login(manager)
    url = reverse("reviews:to_review")
    first = _rows(client.get(url, {"all": "1"}))
    with django_assert_max_num_queries(20) as captured:
        again = _rows(client.get(url, {"all": "1"}))
    assert not [query for query in captured if '"reviews_reviewtable"' in query["sql"]]
    assert again == first and again.count('data-status="draft"') == 1

    ReviewTable.objects.filter(pk=table.pk).update(status=ReviewTable.Status.SUBMITTED)
    moved = _rows(client.get(url, {"all": "1"}))
    assert moved.count('data-status="submitted"') == 1 and 'data-status="draft"' not in moved

    later = month.replace(month=4)
    ReviewTable.objects.create(
        cycle=cycle, employee=report, month=later, deadline=later + dt.timedelta(days=40)
    )
    added = _rows(client.get(url, {"all": "1"}))
    assert added.count('data-status="draft"') == 1 and added.count("<tr") == 2
