"""Faults a tester found by trying to break the kept ("never stale") dashboard, All review
tables, To review, Team and coaching overview (accounts/table_memo.py, issue 21 §3–§4):
a change of HR role in either direction, and an outer value that read a table before a
concurrent write and then found a kept value computed after it. One known limit stays
marked ``xfail(strict=True)``.

They commit (``transaction=True``): nothing is kept while a transaction holds writes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import HR_GROUP_NAME
from tests.factories import make_hr

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_off")]


def _title(page) -> str:
    return str(page.html.select_one("h1").get_text(strip=True))


def test_someone_leaving_hr_no_longer_sees_the_organisation_dashboard(
    django_app, manager, report, finance_table
):
    make_hr(manager)
    first = django_app.get(reverse("reviews:dashboard"), user=manager)
    assert _title(first) == "Organisation dashboard"
    manager.groups.remove(Group.objects.get(name=HR_GROUP_NAME))  # HR takes her out

    again = django_app.get(reverse("reviews:dashboard"), user=manager)
    assert _title(again) == "Team dashboard"
    # No longer HR: the upward feedback summary (HR only) and other departments are gone.
    assert "Finance" not in _completion_departments(again)


def test_a_manager_made_hr_sees_the_organisation_dashboard(django_app, manager, report):
    first = django_app.get(reverse("reviews:dashboard"), user=manager)
    assert _title(first) == "Team dashboard"
    make_hr(manager)

    again = django_app.get(reverse("reviews:dashboard"), user=manager)
    assert _title(again) == "Organisation dashboard"


def _completion_departments(page) -> list[str]:
    return [
        line.find("td").get_text(strip=True)
        for line in page.html.select('[data-testid="completion"] tbody tr')
        if len(line.find_all("td")) > 1
    ]


@pytest.fixture
def finance_table(finance):
    """A table of another department this month (only HR's dashboard counts it)."""
    import datetime as dt

    from django.utils import timezone

    from reviews.models import ReviewTable
    from reviews.services import review_table_for
    from tests.factories import UserFactory, make_cycle, make_objective

    month = timezone.localdate().replace(day=1)
    cycle = make_cycle(month.year)
    fiona = UserFactory(email="fiona@example.com", full_name="Fiona Finance", department=finance)
    make_objective(cycle, employee=fiona, title="Books closed", weight=100, target=12)
    table = review_table_for(cycle=cycle, month=month, employee=fiona)
    ReviewTable.objects.filter(pk=table.pk).update(deadline=month + dt.timedelta(days=60))
    return table


def test_a_former_hr_persons_team_dashboard_has_no_organisation_numbers(
    django_app, manager, report, finance_table, hr
):
    from coaching.feedback_models import FeedbackRound

    make_hr(manager)
    first = django_app.get(reverse("reviews:dashboard"), user=manager)
    assert "Finance" in _completion_departments(first)  # HR counts every department
    manager.groups.remove(Group.objects.get(name=HR_GROUP_NAME))
    # Anything HR's page read besides the numbers changes (here: HR drafts a feedback
    # round, which HR's page lists), so the page itself is rendered again.
    FeedbackRound.objects.create(
        name="Spring", opens_on="2026-03-01", closes_on="2026-03-15", created_by=hr
    )

    again = django_app.get(reverse("reviews:dashboard"), user=manager)
    assert _title(again) == "Team dashboard"
    # Seen: "Team dashboard" over the organisation's numbers (Finance, not her chain).
    assert "Finance" not in _completion_departments(again)


@pytest.mark.xfail(
    strict=True,
    reason="A known limit (README, the page cache): a bump lost to a Redis blip is made "
    "good by the same process, at its next read of versions or when it exits; a process "
    "that ends while Redis still does not answer it (a management command) leaves kept "
    "values stale until they expire (VALUE_SECONDS, PAGE_CACHE_SECONDS: 10 minutes)",
)
def test_a_command_that_wrote_during_a_redis_blip_leaves_nothing_stale(
    django_app, manager, report, monkeypatch
):
    import datetime as dt

    from django.core.cache import caches
    from django.utils import timezone

    from accounts import cache_backend, data_versions
    from reviews.models import ReviewTable
    from reviews.services import review_table_for
    from tests.factories import make_cycle, make_objective

    month = timezone.localdate().replace(day=1)
    cycle = make_cycle(month.year)
    make_objective(cycle, employee=report, title="Orders won", weight=100, target=120)
    table = review_table_for(cycle=cycle, month=month, employee=report)
    ReviewTable.objects.filter(pk=table.pk).update(deadline=month + dt.timedelta(days=60))

    def sales_row(page) -> list[str]:
        for line in page.html.select('[data-testid="completion"] tbody tr'):
            cells = [cell.get_text(" ", strip=True) for cell in line.find_all("td")]
            if cells and cells[0] == "Sales":
                return cells
        raise AssertionError("no Sales line")

    first = django_app.get(reverse("reviews:dashboard"), user=manager)
    assert sales_row(first)[1:4] == ["1", "0", "0"]  # draft, in review, returned

    # A management command returns the table while Redis does not answer its bumps...
    backend = caches["default"]
    with monkeypatch.context() as blip:

        def incr(key, *args, **kwargs):
            cache_backend._unreachable("incr", OSError("blip"))
            raise ValueError("cache unreachable")

        def set_(key, *args, **kwargs):
            cache_backend._unreachable("set", OSError("blip"))

        blip.setattr(backend, "incr", incr)
        blip.setattr(backend, "set", set_)
        ReviewTable.objects.filter(pk=table.pk).update(status=ReviewTable.Status.RETURNED)
    # ...and ends; Redis answers again.
    data_versions._lost_bump[0] = False
    cache_backend.forget_failures()

    again = django_app.get(reverse("reviews:dashboard"), user=manager)
    assert sales_row(again)[1:4] == ["0", "0", "1"]


def test_an_outer_value_that_read_a_table_before_a_concurrent_write_is_not_kept(manager, report):
    import threading

    from django.db import connection as db_connection

    from accounts.models import User
    from accounts.table_memo import table_memo

    def count_active() -> int:
        return User.objects.filter(is_active=True).count()

    def other_request() -> None:
        # Meanwhile, elsewhere: someone leaves (committed, bumped), and another request
        # computes and keeps the inner value from the new rows.
        try:
            User.objects.filter(pk=report.pk).update(is_active=False)
            table_memo("breakmemo-inner", count_active)
        finally:
            db_connection.close()

    def outer() -> tuple[int, int]:
        direct = count_active()  # read before the write
        thread = threading.Thread(target=other_request)
        thread.start()
        thread.join()
        return direct, table_memo("breakmemo-inner", count_active)  # found, new rows

    first = table_memo("breakmemo-outer", outer)
    assert first == (2, 1)
    # Asked again with no write since: the outer value must not still say 2 people.
    assert table_memo("breakmemo-outer", outer)[0] == 1
