"""The dashboards' numbers kept between requests (accounts/table_memo.py, issue 21 §3):
asked again, they are not counted again; after any change to a table they count, the
manager and HR see it on their next request, whoever made it and however.

These tests commit (``transaction=True``): numbers computed in a transaction that holds
uncommitted writes are never kept, so a test inside one would show nothing kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.table_memo import table_memo
from reviews import dashboard as dashboard_module
from reviews.models import ReviewTable
from reviews.services import review_table_for
from tests.factories import make_cycle, make_objective
from tests.review_tables.test_workflow import fill_completely

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_off")]


@pytest.fixture
def computed(monkeypatch) -> list[int]:
    """Counts each time the dashboard's numbers are computed (not found kept)."""
    calls: list[int] = []
    original = dashboard_module._dashboard_compute

    def counting(**kwargs):
        calls.append(kwargs["user"].pk)
        return original(**kwargs)

    monkeypatch.setattr(dashboard_module, "_dashboard_compute", counting)
    return calls


@pytest.fixture
def this_months_table(report):
    month = timezone.localdate().replace(day=1)
    cycle = make_cycle(month.year)
    make_objective(cycle, employee=report, title="Orders won", weight=100, target=120)
    table = review_table_for(cycle=cycle, month=month, employee=report)
    ReviewTable.objects.filter(pk=table.pk).update(deadline=month + dt.timedelta(days=60))
    return table


def _sales_row(page) -> list[str]:
    """The Sales line of the completion table: department, draft, in review, returned,
    finalised, without a conversation, late."""
    for line in page.html.select('[data-testid="completion"] tbody tr'):
        cells = [cell.get_text(" ", strip=True) for cell in line.find_all("td")]
        if cells and cells[0] == "Sales":
            return cells
    raise AssertionError("no Sales line on the dashboard")


def test_the_dashboard_asked_again_is_not_counted_again(
    django_app, manager, hr, this_months_table, computed
):
    first = django_app.get(reverse("reviews:dashboard"), user=manager)
    again = django_app.get(reverse("reviews:dashboard"), user=manager)
    assert computed == [manager.pk]
    assert _sales_row(again) == _sales_row(first) == ["Sales", "1", "0", "0", "0", "0", "0"]
    django_app.get(reverse("reviews:dashboard"), user=hr)
    assert computed == [manager.pk, hr.pk]  # each scope its own numbers


def test_a_table_submitted_through_its_page_shows_at_once_to_the_manager_and_hr(
    django_app, manager, hr, report, this_months_table, computed
):
    for person in (manager, hr):
        for _ in range(2):
            seen = django_app.get(reverse("reviews:dashboard"), user=person)
        assert _sales_row(seen)[1:3] == ["1", "0"]
    assert len(computed) == 2

    page = django_app.get(this_months_table.get_absolute_url(), user=report)
    saved = fill_completely(page, this_months_table).submit().follow()
    submitted = saved.forms["fill-form"].submit("then_submit").follow()
    assert "Submitted." in submitted

    for person in (manager, hr):
        now = django_app.get(reverse("reviews:dashboard"), user=person)
        assert _sales_row(now)[1:3] == ["0", "1"], person
    assert len(computed) == 4


def test_writes_that_send_no_signal_change_the_numbers_too(
    django_app, manager, this_months_table, computed
):
    django_app.get(reverse("reviews:dashboard"), user=manager)
    ReviewTable.objects.filter(pk=this_months_table.pk).update(status=ReviewTable.Status.RETURNED)
    assert _sales_row(django_app.get(reverse("reviews:dashboard"), user=manager))[3] == "1"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reviews_reviewtable SET status = %s WHERE id = %s",
            [ReviewTable.Status.FINALISED, this_months_table.pk],
        )
    assert _sales_row(django_app.get(reverse("reviews:dashboard"), user=manager))[4] == "1"
    assert len(computed) == 3


def test_numbers_computed_before_an_uncommitted_write_are_recomputed_after_it(
    manager, this_months_table
):
    computed: list[str] = []

    def count() -> int:
        computed.append("x")
        return ReviewTable.objects.filter(status=ReviewTable.Status.DRAFT).count()

    assert table_memo("drafts", count) == 1
    with transaction.atomic():
        ReviewTable.objects.update(status=ReviewTable.Status.SUBMITTED)
        # Inside the writing transaction: counted again (the write bumped the version),
        # and not kept, since the write could still be rolled back.
        assert table_memo("drafts", count) == 0
        assert table_memo("drafts", count) == 0
        transaction.set_rollback(True)
    assert table_memo("drafts", count) == 1
    assert table_memo("drafts", count) == 1
    assert len(computed) == 4


def test_a_computation_that_writes_is_not_kept(manager, this_months_table):
    computed: list[str] = []

    def count_and_touch() -> int:
        computed.append("x")
        ReviewTable.objects.filter(pk=this_months_table.pk).update(summary="seen")
        return ReviewTable.objects.count()

    table_memo("touching", count_and_touch)
    table_memo("touching", count_and_touch)
    assert len(computed) == 2


def test_without_a_shared_cache_nothing_is_kept(settings, manager, this_months_table):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    computed: list[str] = []

    def count() -> int:
        computed.append("x")
        return ReviewTable.objects.count()

    table_memo("local", count)
    table_memo("local", count)
    assert len(computed) == 2


def test_a_page_kept_with_numbers_found_kept_changes_when_they_change(
    django_app, settings, hr, this_months_table, computed
):
    """The page cache and the numbers together: a second browser of the same person gets
    the numbers kept by the first; its page, kept too, still follows their tables."""
    from tests.webtest_helpers import another_browser

    settings.PAGE_CACHE = True
    django_app.get(reverse("reviews:dashboard"), user=hr)
    second = another_browser(django_app)
    second.get(reverse("reviews:dashboard"), user=hr)
    second.get(reverse("reviews:dashboard"))  # the first page set the CSRF cookie: kept now
    kept = second.get(reverse("reviews:dashboard"))
    assert kept.headers["X-Page-Cache"] == "hit"
    assert computed == [hr.pk]  # the second browser's page was made from kept numbers
    assert _sales_row(kept)[4] == "0"

    ReviewTable.objects.filter(pk=this_months_table.pk).update(status=ReviewTable.Status.FINALISED)
    now = second.get(reverse("reviews:dashboard"))
    assert now.headers["X-Page-Cache"] == "miss"
    assert _sales_row(now)[4] == "1"


def test_hrs_page_of_every_table_follows_a_change_at_once(
    django_app, hr, report, finance, this_months_table
):
    url = reverse("reviews:table_index")
    for _ in range(2):
        listed = django_app.get(url, user=hr)
    assert "Rob Report" in _rows(listed) and "Draft" in _rows(listed)

    ReviewTable.objects.filter(pk=this_months_table.pk).update(status=ReviewTable.Status.RETURNED)
    listed = django_app.get(url, user=hr)
    assert "Returned" in _rows(listed) and "Draft" not in _rows(listed)
    ReviewTable.objects.create(
        cycle=this_months_table.cycle,
        month=this_months_table.month,
        department=finance,
        deadline=this_months_table.deadline,
    )
    assert "Finance" not in _rows(listed)
    assert "Finance" in _rows(django_app.get(url, user=hr))


def _rows(page) -> str:
    return " ".join(page.html.select_one("table tbody").get_text(" ").split())
